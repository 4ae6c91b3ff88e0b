/**
 * A dilated ("atrous") k x k convolution at stride 1 with 'same' padding, as a layer that
 * trains on every tfjs backend: tfjs has no gradient for conv2d with dilation > 1, so this
 * uses the space-to-batch identity of Chen et al. 2017 (DeepLab, "Rethinking Atrous
 * Convolution", Sec. 3.1 and TF's `with_space_to_batch`): pad, space-to-batch by the rate,
 * a plain 'valid' conv, batch-to-space, crop. All three ops have tfjs gradients.
 * Registered with tf.serialization so saved models load (import src/model/layers/index.js).
 */
import * as tf from '@tensorflow/tfjs';

export interface AtrousConv2DArgs {
  filters: number;
  kernelSize?: number;
  rate?: number;
  /** Seed of the He-normal kernel initializer. */
  seed?: number;
  name?: string;
  trainable?: boolean;
}

/** k x k conv with dilation `rate`, stride 1, 'same' padding, no bias. Input NHWC. */
export class AtrousConv2D extends tf.layers.Layer {
  static className = 'AtrousConv2D';
  readonly filters: number;
  readonly kernelSize: number;
  readonly rate: number;
  readonly seed: number | undefined;
  private kernel?: tf.LayerVariable;

  constructor(args: AtrousConv2DArgs) {
    super({ name: args.name, trainable: args.trainable });
    this.filters = args.filters;
    this.kernelSize = args.kernelSize ?? 3;
    this.rate = args.rate ?? 2;
    this.seed = args.seed;
    if (this.kernelSize % 2 !== 1) throw new Error(`AtrousConv2D: kernel size must be odd, got ${this.kernelSize}`);
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const inC = shape[3] as number;
    this.kernel = this.addWeight('kernel', [this.kernelSize, this.kernelSize, inC, this.filters], 'float32', tf.initializers.heNormal({ seed: this.seed }));
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    return [s[0], s[1], s[2], this.filters];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
      const [, h, w] = x.shape;
      const r = this.rate;
      const p = ((this.kernelSize - 1) * r) / 2;
      const eh = (r - ((h + 2 * p) % r)) % r;
      const ew = (r - ((w + 2 * p) % r)) % r;
      const s = tf.spaceToBatchND(x, [r, r], [[p, p + eh], [p, p + ew]]) as tf.Tensor4D;
      const y = tf.conv2d(s, this.kernel!.read() as tf.Tensor4D, 1, 'valid');
      return tf.batchToSpaceND(y, [r, r], [[0, eh], [0, ew]]);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), filters: this.filters, kernelSize: this.kernelSize, rate: this.rate, ...(this.seed === undefined ? {} : { seed: this.seed }) };
  }
}

tf.serialization.registerClass(AtrousConv2D);
