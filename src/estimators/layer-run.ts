/**
 * Runs a functional tfjs model layer by layer on concrete tensors, so an estimator can see (and
 * replace) what flows between layers: ReLU codes (naswot), activations to differentiate against
 * (fisher), exact power-of-two rescaling (synflow). Inside tf.grads / variableGrads the tape
 * records every op, so gradients flow through it as through model.apply.
 */
import type * as tf from '#tfjs';

export interface LayerHooks {
  /** Training-mode call (batch norm on batch statistics, as zero-cost-nas scores nets in train mode). */
  training: boolean;
  /** May replace a layer's inputs before it runs (same shapes). */
  before?: (layer: tf.layers.Layer, inputs: tf.Tensor[]) => tf.Tensor[];
  /** May replace a layer's output (same shape). */
  after?: (layer: tf.layers.Layer, out: tf.Tensor) => tf.Tensor;
}

interface NodeLike {
  inputTensors: tf.SymbolicTensor[];
  outputTensors: tf.SymbolicTensor[];
}

/** The model's one output for input x. Every layer must be applied once in the model (true of src/model/build.ts). */
export function runLayers(model: tf.LayersModel, x: tf.Tensor, hooks: LayerHooks): tf.Tensor {
  if (model.inputs.length !== 1 || model.outputs.length !== 1) throw new Error('runLayers: expected one input and one output');
  const values = new Map<number, tf.Tensor>([[model.inputs[0].id, x]]);
  // model.layers is in topological order (tfjs sorts a Container's layers by depth).
  for (const layer of model.layers) {
    if (layer.getClassName() === 'InputLayer') continue;
    const nodes = (layer as unknown as { inboundNodes: NodeLike[] }).inboundNodes;
    if (nodes.length !== 1 || nodes[0].outputTensors.length !== 1) throw new Error(`runLayers: layer ${layer.name} is applied ${nodes.length} times`);
    let inputs = nodes[0].inputTensors.map((s) => {
      const v = values.get(s.id);
      if (!v) throw new Error(`runLayers: input ${s.name} of ${layer.name} not computed yet`);
      return v;
    });
    if (hooks.before) inputs = hooks.before(layer, inputs);
    let out = layer.apply(inputs.length === 1 ? inputs[0] : inputs, { training: hooks.training }) as tf.Tensor;
    if (hooks.after) out = hooks.after(layer, out);
    values.set(nodes[0].outputTensors[0].id, out);
  }
  const y = values.get(model.outputs[0].id);
  if (!y) throw new Error('runLayers: the output was not computed');
  return y;
}
