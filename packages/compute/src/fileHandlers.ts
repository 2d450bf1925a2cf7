/**
 * `file://` save and load handlers for the tfjs layers format that need no tfjs-node:
 * model.json (topology + weights manifest) and weights.bin, the same files
 * tfjs-node writes, so models load with `tf.loadLayersModel` anywhere.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { ArtifactError, messageOf } from '@deeprec/base';
import { writeFileAtomic } from '@deeprec/artifacts';

const PREFIX = 'file://';
const WEIGHTS_FILE = 'weights.bin';

function toDir(url: string): string {
  const path = url.startsWith(PREFIX) ? url.slice(PREFIX.length) : url;
  return resolve(path.endsWith('model.json') ? dirname(path) : path);
}

function concatBuffers(data: tf.io.WeightData | undefined): Uint8Array {
  if (!data) return new Uint8Array(0);
  const parts = Array.isArray(data) ? data : [data];
  const total = parts.reduce((n, p) => n + p.byteLength, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    out.set(new Uint8Array(part), offset);
    offset += part.byteLength;
  }
  return out;
}

/** Saves into a folder: `<dir>/model.json` and `<dir>/weights.bin`. */
export function fileSaveHandler(dirOrUrl: string): tf.io.IOHandler {
  const dir = toDir(dirOrUrl);
  return {
    async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
      const weights = concatBuffers(artifacts.weightData);
      const modelJson = {
        modelTopology: artifacts.modelTopology,
        format: artifacts.format ?? 'layers-model',
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy ?? null,
        weightsManifest: [{ paths: [`./${WEIGHTS_FILE}`], weights: artifacts.weightSpecs ?? [] }],
      };
      writeFileAtomic(join(dir, WEIGHTS_FILE), weights);
      writeFileAtomic(join(dir, 'model.json'), JSON.stringify(modelJson));
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    },
  };
}

/** Loads `<dir>/model.json` and the weight files its manifest names. */
export function fileLoadHandler(dirOrUrl: string): tf.io.IOHandler {
  const dir = toDir(dirOrUrl);
  return {
    async load(): Promise<tf.io.ModelArtifacts> {
      const file = join(dir, 'model.json');
      let json: tf.io.ModelJSON;
      try {
        json = JSON.parse(readFileSync(file, 'utf8')) as tf.io.ModelJSON;
      } catch (error) {
        throw new ArtifactError(`${file}: model cannot be loaded (${messageOf(error)})`, { cause: error });
      }
      const specs: tf.io.WeightsManifestEntry[] = [];
      const buffers: Uint8Array[] = [];
      for (const group of json.weightsManifest ?? []) {
        specs.push(...group.weights);
        for (const path of group.paths) {
          try {
            buffers.push(readFileSync(join(dir, path)));
          } catch (error) {
            throw new ArtifactError(`${join(dir, path)}: model weights cannot be read (${messageOf(error)})`, { cause: error });
          }
        }
      }
      const weightData = concatBuffers(buffers.map((b) => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer));
      const expected = specs.reduce((n, s) => n + s.shape.reduce((a, d) => a * d, 1) * 4, 0);
      if (weightData.byteLength !== expected) {
        throw new ArtifactError(`${dir}: weights.bin holds ${weightData.byteLength} bytes, model.json expects ${expected} (truncated?)`);
      }
      return {
        modelTopology: json.modelTopology,
        format: json.format,
        generatedBy: json.generatedBy,
        convertedBy: json.convertedBy,
        weightSpecs: specs,
        weightData: weightData.buffer as ArrayBuffer,
      };
    },
  };
}

let routersRegistered = false;
/**
 * Lets `model.save('file://dir')` and `tf.loadLayersModel('file://dir/model.json')` work
 * without tfjs-node. When tfjs-node is loaded it brings its own file:// router, which we keep.
 */
export function registerFileRouters(): void {
  if (routersRegistered) return;
  routersRegistered = true;
  const probe = `${PREFIX}/probe`;
  if (tf.io.getSaveHandlers(probe).length === 0) {
    tf.io.registerSaveRouter(((url: string | string[]) => (typeof url === 'string' && url.startsWith(PREFIX) ? fileSaveHandler(url) : null)) as Parameters<typeof tf.io.registerSaveRouter>[0]);
  }
  if (tf.io.getLoadHandlers(probe).length === 0) {
    tf.io.registerLoadRouter(((url: string | string[]) => (typeof url === 'string' && url.startsWith(PREFIX) ? fileLoadHandler(url) : null)) as Parameters<typeof tf.io.registerSaveRouter>[0]);
  }
}
