import { toFloat32 } from '../factor-table.js';
import { quantizeRows } from '../int8-rows.js';
import type { Float32RecommenderModel, RecommenderModel } from '../recommender-model.js';

/** The model with both factor tables quantized to int8 rows (biases untouched). */
export function quantizedModel(model: Float32RecommenderModel): RecommenderModel {
  return {
    ...model,
    userFactors: quantizeRows(model.userFactors, model.dim),
    itemFactors: quantizeRows(model.itemFactors, model.dim),
  };
}

/** The model with every factor table as float32 (int8 rows dequantized). */
export function dequantizedModel(model: RecommenderModel): Float32RecommenderModel {
  return {
    ...model,
    userFactors: toFloat32(model.userFactors, model.dim),
    itemFactors: toFloat32(model.itemFactors, model.dim),
  };
}
