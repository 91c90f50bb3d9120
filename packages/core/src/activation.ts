/** Output activations the model supports; all are monotonic increasing. */
export const ACTIVATIONS = ['tanh', 'sigmoid', 'linear'] as const;

/** One of {@link ACTIVATIONS}. */
export type Activation = (typeof ACTIVATIONS)[number];

/** Applies an activation to a pre-activation value (the logit). */
export function activate(activation: Activation, x: number): number {
  switch (activation) {
    case 'tanh':
      return Math.tanh(x);
    case 'sigmoid':
      return 1 / (1 + Math.exp(-x));
    case 'linear':
      return x;
  }
}
