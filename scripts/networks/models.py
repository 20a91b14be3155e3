"""The three bundled networks (PyTorch definitions, exported to ONNX by scripts/train_networks).

Module names become ONNX node names ("/blocks.0/attn/qk/MatMul"), so they are chosen to be read.
"""
import torch
import torch.nn as nn


class DigitsCNN(nn.Module):
    """8x8 digits: Conv-ReLU, Conv-BN-ReLU, MaxPool, Flatten, Linear-ReLU, Linear."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 16, 3, padding=1)
        self.relu1 = nn.ReLU()
        self.conv2 = nn.Conv2d(16, 32, 3, padding=1)
        self.bn2 = nn.BatchNorm2d(32)
        self.relu2 = nn.ReLU()
        self.pool = nn.MaxPool2d(2)
        self.flatten = nn.Flatten()
        self.fc1 = nn.Linear(32 * 4 * 4, 64)
        self.relu3 = nn.ReLU()
        self.fc2 = nn.Linear(64, 10)

    def forward(self, x):
        x = self.relu1(self.conv1(x))
        x = self.pool(self.relu2(self.bn2(self.conv2(x))))
        return self.fc2(self.relu3(self.fc1(self.flatten(x))))


class FashionCNN(nn.Module):
    """28x28 Fashion-MNIST: two Conv-BN-ReLU-MaxPool blocks, Dropout, Linear-ReLU, Dropout, Linear."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 16, 3, padding=1)
        self.bn1 = nn.BatchNorm2d(16)
        self.relu1 = nn.ReLU()
        self.pool1 = nn.MaxPool2d(2)
        self.conv2 = nn.Conv2d(16, 32, 3, padding=1)
        self.bn2 = nn.BatchNorm2d(32)
        self.relu2 = nn.ReLU()
        self.pool2 = nn.MaxPool2d(2)
        self.flatten = nn.Flatten()
        self.drop1 = nn.Dropout(0.25)
        self.fc1 = nn.Linear(32 * 7 * 7, 64)
        self.relu3 = nn.ReLU()
        self.drop2 = nn.Dropout(0.25)
        self.fc2 = nn.Linear(64, 10)

    def forward(self, x):
        x = self.pool1(self.relu1(self.bn1(self.conv1(x))))
        x = self.pool2(self.relu2(self.bn2(self.conv2(x))))
        x = self.drop1(self.flatten(x))
        return self.fc2(self.drop2(self.relu3(self.fc1(x))))


class MatMul(nn.Module):
    """torch.matmul as a module, so the ONNX node carries a name (".../qk/MatMul", ".../av/MatMul")."""

    def forward(self, a, b):
        return torch.matmul(a, b)


class Attention(nn.Module):
    """Multi-head self-attention written out: q/k/v Linear, QK^T MatMul, scale, Softmax, MatMul with V.

    Shapes use literal token/head counts with -1 for the batch, so the exported Reshapes take
    constant shapes and the batch dimension stays dynamic.
    """

    def __init__(self, dim, heads, tokens):
        super().__init__()
        self.dim, self.heads, self.tokens, self.head_dim = dim, heads, tokens, dim // heads
        self.scale = self.head_dim ** -0.5
        self.q = nn.Linear(dim, dim)
        self.k = nn.Linear(dim, dim)
        self.v = nn.Linear(dim, dim)
        self.qk = MatMul()
        self.softmax = nn.Softmax(dim=-1)
        self.av = MatMul()
        self.proj = nn.Linear(dim, dim)

    def forward(self, x):  # x: (B, T, D)
        t, h, hd = self.tokens, self.heads, self.head_dim
        q = self.q(x).reshape(-1, t, h, hd).transpose(1, 2)      # (B, H, T, hd)
        k = self.k(x).reshape(-1, t, h, hd).permute(0, 2, 3, 1)  # (B, H, hd, T) = K^T
        v = self.v(x).reshape(-1, t, h, hd).transpose(1, 2)      # (B, H, T, hd)
        attn = self.softmax(self.qk(q, k) * self.scale)          # (B, H, T, T)
        out = self.av(attn, v).transpose(1, 2).reshape(-1, t, self.dim)
        return self.proj(out)


class Mlp(nn.Module):
    def __init__(self, dim, hidden):
        super().__init__()
        self.fc1 = nn.Linear(dim, hidden)
        self.gelu = nn.GELU()  # exact (erf) form
        self.fc2 = nn.Linear(hidden, dim)

    def forward(self, x):
        return self.fc2(self.gelu(self.fc1(x)))


class Block(nn.Module):
    """Pre-norm transformer encoder block."""

    def __init__(self, dim, heads, tokens, mlp_ratio):
        super().__init__()
        self.norm1 = nn.LayerNorm(dim)
        self.attn = Attention(dim, heads, tokens)
        self.norm2 = nn.LayerNorm(dim)
        self.mlp = Mlp(dim, dim * mlp_ratio)

    def forward(self, x):
        x = x + self.attn(self.norm1(x))
        return x + self.mlp(self.norm2(x))


class DigitsViT(nn.Module):
    """Tiny ViT for 8x8 digits: 2x2 patches (16 tokens + class token), pre-norm, GELU."""

    def __init__(self, image=8, patch=2, dim=32, depth=2, heads=4, mlp_ratio=2, classes=10):
        super().__init__()
        self.dim = dim
        self.patches = (image // patch) ** 2
        self.patch_embed = nn.Conv2d(1, dim, patch, stride=patch)
        self.cls_token = nn.Parameter(torch.zeros(1, 1, dim))
        self.pos_embed = nn.Parameter(torch.zeros(1, self.patches + 1, dim))
        nn.init.trunc_normal_(self.cls_token, std=0.02)
        nn.init.trunc_normal_(self.pos_embed, std=0.02)
        self.blocks = nn.ModuleList([Block(dim, heads, self.patches + 1, mlp_ratio)
                                     for _ in range(depth)])  # nodes "/blocks.0/attn/qk/MatMul"
        self.norm = nn.LayerNorm(dim)
        self.head = nn.Linear(dim, classes)

    def forward(self, x):  # x: (B, 1, 8, 8)
        x = self.patch_embed(x).reshape(-1, self.dim, self.patches).transpose(1, 2)  # (B, 16, D)
        cls = self.cls_token.expand_as(x[:, :1])  # (B, 1, D): Slice, Shape, Expand in ONNX
        x = torch.cat([cls, x], dim=1) + self.pos_embed
        for block in self.blocks:
            x = block(x)
        return self.head(self.norm(x)[:, 0])
