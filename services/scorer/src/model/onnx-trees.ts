// The tree ensemble of an ONNX model, read from the file for TreeSHAP (onnxruntime-node does not expose it):
// ModelProto.graph = 7; GraphProto.node = 1; NodeProto.op_type = 4, .attribute = 5; AttributeProto.name = 1,
// .s = 4, .floats = 7, .ints = 8, .strings = 9 (repeated numbers packed or not: both are read).
import type { TreeEnsemble } from '../core/explain/tree-ensemble.ts';
import { readVarint, scanFields, WIRE_I32, WIRE_LEN, WIRE_VARINT } from './protobuf.ts';

const GRAPH = 7;
const NODE = 1;
const OP_TYPE = 4;
const ATTRIBUTE = 5;
const OP = 'TreeEnsembleClassifier';

interface Attribute {
  floats: number[];
  ints: number[];
  strings: string[];
  s: string;
}

function attributesOfTreeNode(model: Uint8Array): Map<string, Attribute> | null {
  const text = new TextDecoder();
  let found: Map<string, Attribute> | null = null;
  scanFields(model, 0, model.length, (field, wire, gStart, gEnd) => {
    if (field !== GRAPH || wire !== WIRE_LEN) return;
    scanFields(model, gStart, gEnd, (f, w, nStart, nEnd) => {
      if (f !== NODE || w !== WIRE_LEN) return;
      let op = '';
      const attrs = new Map<string, Attribute>();
      scanFields(model, nStart, nEnd, (nf, nw, s, e) => {
        if (nw !== WIRE_LEN) return;
        if (nf === OP_TYPE) op = text.decode(model.subarray(s, e));
        else if (nf === ATTRIBUTE) {
          const attr: Attribute = { floats: [], ints: [], strings: [], s: '' };
          let name = '';
          scanFields(model, s, e, (af, aw, as, ae) => {
            if (af === 1 && aw === WIRE_LEN) name = text.decode(model.subarray(as, ae));
            else if (af === 4 && aw === WIRE_LEN) attr.s = text.decode(model.subarray(as, ae));
            else if (af === 7) readFloats(model, aw, as, ae, attr.floats);
            else if (af === 8) readInts(model, aw, as, ae, attr.ints);
            else if (af === 9 && aw === WIRE_LEN) attr.strings.push(text.decode(model.subarray(as, ae)));
          });
          attrs.set(name, attr);
        }
      });
      if (op === OP && found === null) found = attrs;
    });
  });
  return found;
}

function readFloats(buf: Uint8Array, wire: number, start: number, end: number, out: number[]): void {
  const view = new DataView(buf.buffer, buf.byteOffset);
  if (wire === WIRE_I32) out.push(view.getFloat32(start, true));
  else if (wire === WIRE_LEN) for (let p = start; p < end; p += 4) out.push(view.getFloat32(p, true));
}

function readInts(buf: Uint8Array, wire: number, start: number, end: number, out: number[]): void {
  if (wire === WIRE_VARINT) out.push(start);
  else if (wire === WIRE_LEN) {
    for (let p = start; p < end;) {
      const [value, next] = readVarint(buf, p);
      out.push(value);
      p = next;
    }
  }
}

/**
 * The model's trees with the training-row count of every node (`counts`, in the ONNX node order: the
 * `tree_node_counts` metadata). Throws, with the reason, when the model is not a binary tree ensemble of
 * `x <= t` splits this can explain, or the counts do not fit it.
 */
export function readTreeEnsemble(model: Uint8Array, features: number, counts: unknown): TreeEnsemble {
  const attrs = attributesOfTreeNode(model);
  if (attrs === null) throw new Error(`no ${OP} node`);
  const get = (name: string): Attribute => attrs.get(name) ?? { floats: [], ints: [], strings: [], s: '' };
  const treeIds = get('nodes_treeids').ints;
  const nodeIds = get('nodes_nodeids').ints;
  const modes = get('nodes_modes').strings;
  const n = treeIds.length;
  const lists = {
    nodes_nodeids: nodeIds.length,
    nodes_modes: modes.length,
    nodes_featureids: get('nodes_featureids').ints.length,
    nodes_values: get('nodes_values').floats.length,
    nodes_truenodeids: get('nodes_truenodeids').ints.length,
    nodes_falsenodeids: get('nodes_falsenodeids').ints.length,
  };
  for (const [name, length] of Object.entries(lists)) {
    if (length !== n) throw new Error(`${name} has ${length} entries, nodes_treeids ${n}`);
  }
  if (!Array.isArray(counts) || counts.length !== n)
    throw new Error(
      `tree_node_counts has ${Array.isArray(counts) ? counts.length : 'no'} entries, the model ${n} nodes`,
    );
  if (get('post_transform').s !== 'LOGISTIC') throw new Error('post_transform is not LOGISTIC (a binary classifier)');
  if (get('class_ids').ints.some((c) => c !== 0)) throw new Error('more than one class of leaf weights');
  if (get('base_values').floats.some((v) => v !== 0)) throw new Error('base_values are not supported');

  const index = new Map<number, number>();
  const key = (tree: number, node: number): number => tree * 2 ** 26 + node;
  for (let i = 0; i < n; i++) index.set(key(treeIds[i]!, nodeIds[i]!), i);
  const at = (tree: number, node: number): number => {
    const i = index.get(key(tree, node));
    if (i === undefined) throw new Error(`tree ${tree} has no node ${node}`);
    return i;
  };
  const feature = new Int32Array(n);
  const threshold = new Float64Array(n);
  const yes = new Int32Array(n);
  const no = new Int32Array(n);
  const missingYes = new Uint8Array(n);
  const value = new Float64Array(n);
  const count = new Float64Array(n);
  const missing = get('nodes_missing_value_tracks_true').ints;
  for (let i = 0; i < n; i++) {
    const c = (counts as unknown[])[i];
    if (typeof c !== 'number' || !Number.isInteger(c) || c <= 0) {
      throw new Error(`tree_node_counts[${i}] is not a positive count`);
    }
    count[i] = c;
    if (modes[i] === 'LEAF') {
      feature[i] = -1;
      continue;
    }
    if (modes[i] !== 'BRANCH_LEQ') throw new Error(`node ${i} splits by ${modes[i]}, not BRANCH_LEQ`);
    const f = get('nodes_featureids').ints[i]!;
    if (f >= features) throw new Error(`node ${i} splits on feature ${f} of ${features}`);
    feature[i] = f;
    threshold[i] = get('nodes_values').floats[i]!;
    yes[i] = at(treeIds[i]!, get('nodes_truenodeids').ints[i]!);
    no[i] = at(treeIds[i]!, get('nodes_falsenodeids').ints[i]!);
    missingYes[i] = missing[i] === 1 ? 1 : 0;
  }
  for (let i = 0; i < n; i++) {
    if (feature[i]! >= 0 && count[yes[i]!]! + count[no[i]!]! !== count[i]) {
      throw new Error(`node ${i}: its children's counts do not add up to its own`);
    }
  }
  const weights = get('class_weights').floats;
  const leafTrees = get('class_treeids').ints;
  const leafNodes = get('class_nodeids').ints;
  for (let k = 0; k < weights.length; k++) value[at(leafTrees[k]!, leafNodes[k]!)]! += weights[k]!;

  const trees = [...new Set(treeIds)].sort((a, b) => a - b);
  const roots = Int32Array.from(trees, (t) => at(t, 0));
  let maxDepth = 0;
  const depthOf = (node: number, depth: number): void => {
    if (depth > 64) throw new Error('a tree deeper than 64 (or a cycle)');
    if (feature[node]! < 0) maxDepth = Math.max(maxDepth, depth);
    else {
      depthOf(yes[node]!, depth + 1);
      depthOf(no[node]!, depth + 1);
    }
  };
  for (const root of roots) depthOf(root, 0);
  return { features, roots, feature, threshold, yes, no, missingYes, value, count, maxDepth };
}
