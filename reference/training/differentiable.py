"""The reference's forward pass (smol_reference.model.ReferenceModel), made trainable.

The reference computes every weight product with oneDNN (`mkldnn_linear`) because Debian's torch links the
netlib BLAS, ~10x slower; oneDNN's op has no usable backward for dense inputs, and the attention's batched
`torch.matmul` runs on that slow BLAS. `trainable_products()` swaps in autograd functions whose forward is the
same oneDNN product and whose backward is two more of them, for the duration of a `with` block. Everything
else (RMSNorm, RoPE, GQA, the causal mask, softmax, SwiGLU, residuals) is the reference's own code.
"""
import contextlib

import torch

from smol_reference import model as reference

_mkldnn_linear = torch._C._nn.mkldnn_linear


def _product(a, b):
    """a [n, k] @ b [m, k]^T -> [n, m], in oneDNN."""
    return _mkldnn_linear(a.contiguous().to_mkldnn(), b.contiguous().to_mkldnn()).to_dense()


class _Linear(torch.autograd.Function):
    """x [n, in] @ w [out, in]^T, as reference.linear computes it."""

    @staticmethod
    def forward(ctx, x, w):
        ctx.save_for_backward(x, w)
        return _product(x, w)

    @staticmethod
    def backward(ctx, grad):
        x, w = ctx.saved_tensors
        return _product(grad, w.t()), _product(grad.t(), x.t())


class _BatchedMatmul(torch.autograd.Function):
    """a [b, n, k] @ b [b, k, m], one oneDNN product per batch entry (the attention's heads)."""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return torch.stack([_product(a[i], b[i].t()) for i in range(a.shape[0])])

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        grad_a = torch.stack([_product(grad[i], b[i]) for i in range(a.shape[0])])
        grad_b = torch.stack([_product(a[i].t(), grad[i].t()) for i in range(a.shape[0])])
        return grad_a, grad_b


@contextlib.contextmanager
def trainable_products():
    """Within the block, the reference's linear and its 3-D matmuls are differentiable oneDNN products."""
    if not torch.backends.mkldnn.is_available():
        yield  # the reference then uses F.linear and torch.matmul, both differentiable (only slower)
        return
    saved = reference.linear, reference.prepare_weight, torch.matmul
    plain_matmul = torch.matmul

    def matmul(a, b):
        return _BatchedMatmul.apply(a, b) if a.dim() == 3 and b.dim() == 3 else plain_matmul(a, b)

    reference.linear, reference.prepare_weight, torch.matmul = _Linear.apply, (lambda w: w), matmul
    try:
        yield
    finally:
        reference.linear, reference.prepare_weight, torch.matmul = saved


def bind(parameters, config):
    """A ReferenceModel whose weights are `parameters` ({HF tensor name: tensor}), without copying them.

    Call inside trainable_products() so that the reference's prepare_weight leaves them as they are.
    """
    from smol_reference.checkpoint import EMBED, FINAL_NORM, LAYER_LINEARS, LAYER_NORMS, layer_tensor

    model = reference.ReferenceModel.__new__(reference.ReferenceModel)
    model.config, model.quant = config, "f32"
    model.int8_inputs, model.near_tie_rows = False, set()  # exact float32 activations, as training uses
    model.embed = parameters[EMBED]
    model.lm_head = reference.prepare_weight(model.embed)
    model.final_norm = parameters[FINAL_NORM]
    model.layers = []
    for i in range(config.num_hidden_layers):
        layer = {part: reference.prepare_weight(parameters[layer_tensor(i, part)]) for part in LAYER_LINEARS}
        layer.update({part: parameters[layer_tensor(i, part)] for part in LAYER_NORMS})
        model.layers.append(layer)
    return model


def logits_with_grad(model, ids):
    """ReferenceModel.logits without its no_grad: the final norm and tied head on the last hidden state."""
    x = model.hidden_states(ids)[-1]
    return reference.linear(reference.rms_norm(x, model.final_norm, model.config.rms_norm_eps), model.lm_head)
