/** The TensorFlow.js namespace edgerec trains with (the same API whichever backend runs). */
export type Tf = typeof import('@tensorflow/tfjs');
