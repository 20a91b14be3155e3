"""A plain NumPy reading of the ONNX graphs exported here (only the ops they use), in float32.

It checks the exported file itself (not PyTorch) and is what a straightforward C++ runtime should
reproduce: scripts/train_networks requires it to match the PyTorch logits to <= 1e-4.
"""
import numpy as np
import onnx
from onnx import numpy_helper


def _attrs(node):
    return {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}


def _conv(x, w, b, a):
    assert a.get("group", 1) == 1 and all(d == 1 for d in a.get("dilations", [1, 1]))
    kh, kw = w.shape[2:]
    sh, sw = a.get("strides", [1, 1])
    pt, pl, pb, pr = a.get("pads", [0, 0, 0, 0])
    x = np.pad(x, ((0, 0), (0, 0), (pt, pb), (pl, pr)))
    n, c, h, wd = x.shape
    oh, ow = (h - kh) // sh + 1, (wd - kw) // sw + 1
    cols = np.empty((n, c, kh, kw, oh, ow), np.float32)
    for i in range(kh):
        for j in range(kw):
            cols[:, :, i, j] = x[:, :, i:i + sh * oh:sh, j:j + sw * ow:sw]
    y = np.einsum("nckluv,ockl->nouv", cols, w, optimize=True).astype(np.float32)
    return y + b.reshape(1, -1, 1, 1) if b is not None else y


def _maxpool(x, a):
    kh, kw = a["kernel_shape"]
    sh, sw = a.get("strides", [1, 1])
    assert not any(a.get("pads", [0] * 4)) and a.get("ceil_mode", 0) == 0
    n, c, h, w = x.shape
    oh, ow = (h - kh) // sh + 1, (w - kw) // sw + 1
    y = np.full((n, c, oh, ow), -np.inf, np.float32)
    for i in range(kh):
        for j in range(kw):
            y = np.maximum(y, x[:, :, i:i + sh * oh:sh, j:j + sw * ow:sw])
    return y


def _erf(x):
    from scipy.special import erf
    return erf(x.astype(np.float64)).astype(np.float32)


def _softmax(x, axis):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _layernorm(x, scale, bias, a):
    axis = a.get("axis", -1)
    axes = tuple(range(axis % x.ndim, x.ndim))
    mean = x.mean(axis=axes, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=axes, keepdims=True)
    y = (x - mean) / np.sqrt(var + np.float32(a.get("epsilon", 1e-5)))
    return y * scale + (bias if bias is not None else 0)


def _reshape(x, shape):
    shape = [x.shape[i] if s == 0 else int(s) for i, s in enumerate(shape)]
    return x.reshape(shape)


def _slice(x, starts, ends, axes=None, steps=None):
    axes = range(len(starts)) if axes is None else axes
    steps = [1] * len(starts) if steps is None else steps
    index = [slice(None)] * x.ndim
    for s, e, ax, st in zip(starts, ends, axes, steps):
        index[int(ax)] = slice(int(s), int(min(e, np.iinfo(np.int64).max)), int(st))
    return x[tuple(index)]


def run(model, x):
    """Evaluates the graph of `model` (onnx.ModelProto) on the single input `x`; returns output 0."""
    values = {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}
    values[model.graph.input[0].name] = x.astype(np.float32)
    for node in model.graph.node:
        a = _attrs(node)
        i = [values[n] if n else None for n in node.input]
        op = node.op_type
        if op == "Constant":
            y = numpy_helper.to_array(a["value"])
        elif op == "Conv":
            y = _conv(i[0], i[1], i[2] if len(i) > 2 else None, a)
        elif op == "Relu":
            y = np.maximum(i[0], np.float32(0))
        elif op == "MaxPool":
            y = _maxpool(i[0], a)
        elif op == "Flatten":
            ax = a.get("axis", 1)
            y = i[0].reshape(int(np.prod(i[0].shape[:ax])), -1)
        elif op == "Gemm":
            aa = i[0].T if a.get("transA", 0) else i[0]
            bb = i[1].T if a.get("transB", 0) else i[1]
            y = np.float32(a.get("alpha", 1.0)) * (aa @ bb)
            if len(i) > 2 and i[2] is not None:
                y = y + np.float32(a.get("beta", 1.0)) * i[2]
        elif op == "MatMul":
            y = np.matmul(i[0], i[1])
        elif op == "Add":
            y = i[0] + i[1]
        elif op == "Mul":
            y = i[0] * i[1]
        elif op == "Div":
            y = i[0] / i[1]
        elif op == "Erf":
            y = _erf(i[0])
        elif op == "Softmax":
            y = _softmax(i[0], a.get("axis", -1))
        elif op == "Transpose":
            y = np.transpose(i[0], a["perm"])
        elif op == "Reshape":
            y = _reshape(i[0], i[1])
        elif op == "LayerNormalization":
            y = _layernorm(i[0], i[1], i[2] if len(i) > 2 else None, a)
        elif op == "Gather":
            y = np.take(i[0], i[1], axis=a.get("axis", 0))
        elif op == "Slice":
            y = _slice(*i)
        elif op == "Shape":
            y = np.array(i[0].shape, np.int64)
        elif op == "Expand":
            y = i[0] * np.ones(tuple(int(s) for s in i[1]), i[0].dtype)
        elif op == "Concat":
            y = np.concatenate(i, axis=a["axis"])
        else:
            raise NotImplementedError(f"op {op} ({node.name})")
        if isinstance(y, np.ndarray) and y.dtype == np.float64:
            y = y.astype(np.float32)
        values[node.output[0]] = y
    return values[model.graph.output[0].name]
