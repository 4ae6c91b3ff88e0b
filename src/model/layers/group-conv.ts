/**
 * A grouped k x k convolution (Krizhevsky et al. 2012; "cardinality" in ResNeXt, Xie et al.
 * 2017, Sec. 3.3 and Fig. 3c): the C_in inputs and C_out outputs are split into `groups`
 * contiguous groups and output group j is a convolution of input group j only. One kernel
 * [k, k, C_in / groups, C_out], the layout of TensorFlow's grouped conv2d and PyTorch's
 * Conv2d(groups=...), so it has C_out · k² · C_in / groups weights.
 * tfjs' conv2d has no groups: the layer splits input and kernel, convolves each group and
 * concatenates (every step has gradients). 'same' padding, no bias (BN follows).
 * Registered with tf.serialization so saved models load (import src/model/layers/index.js).
 */
import * as tf from '#tfjs';

export interface GroupConv2DArgs {
  filters: number;
  kernelSize?: number;
  strides?: number;
  groups: number;
  /** Seed of the He-normal kernel initializer. */
  seed?: number;
  name?: string;
  trainable?: boolean;
}

export class GroupConv2D extends tf.layers.Layer {
  static className = 'GroupConv2D';
  readonly filters: number;
  readonly kernelSize: number;
  readonly strides: number;
  readonly groups: number;
  readonly seed: number | undefined;
  private kernel?: tf.LayerVariable;

  constructor(args: GroupConv2DArgs) {
    super({ name: args.name, trainable: args.trainable });
    this.filters = args.filters;
    this.kernelSize = args.kernelSize ?? 3;
    this.strides = args.strides ?? 1;
    this.groups = args.groups;
    this.seed = args.seed;
    if (!Number.isInteger(this.groups) || this.groups < 1) throw new Error(`GroupConv2D: groups must be a positive integer, got ${this.groups}`);
    if (this.filters % this.groups !== 0) throw new Error(`GroupConv2D: ${this.groups} groups do not divide ${this.filters} filters`);
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const inC = shape[3] as number;
    if (inC % this.groups !== 0) throw new Error(`GroupConv2D: ${this.groups} groups do not divide ${inC} input channels`);
    // He-normal over the fan-in of one output: k² · C_in / groups, as the kernel's shape gives.
    const kshape = [this.kernelSize, this.kernelSize, inC / this.groups, this.filters];
    this.kernel = this.addWeight('kernel', kshape, 'float32', tf.initializers.heNormal({ seed: this.seed }));
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const out = (n: number | null) => (n === null ? null : Math.ceil(n / this.strides));
    return [s[0], out(s[1]), out(s[2]), this.filters];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
      const w = this.kernel!.read() as tf.Tensor4D;
      if (this.groups === 1) return tf.conv2d(x, w, this.strides, 'same');
      const xs = tf.split(x, this.groups, 3) as tf.Tensor4D[];
      const ws = tf.split(w, this.groups, 3) as tf.Tensor4D[];
      return tf.concat(xs.map((xi, j) => tf.conv2d(xi, ws[j], this.strides, 'same')), 3);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      filters: this.filters,
      kernelSize: this.kernelSize,
      strides: this.strides,
      groups: this.groups,
      ...(this.seed === undefined ? {} : { seed: this.seed }),
    };
  }
}

tf.serialization.registerClass(GroupConv2D);
