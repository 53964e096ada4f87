"""The cost over a 2-D slice of parameter space (paths projected onto it: ``paths``).

Every parameter of a network forms one vector θ of shape (P,), layer by layer: W[0]
row-major (W[0][k, j] at k·n_out + j), then b[0], then W[1], b[1], ... A *plane* is

    θ(α, β) = origin + α·d₁ + β·d₂        basis = [d₁, d₂], shape (2, P)

and a *surface* is the cost at every (α, β) of an R×R grid, the very cost the trainer
reports and the optimizer minimises:

    cost(θ) = data loss over the whole training set (the trainer's loss and reduction)
              + rate · penalty(W)        (L1/L2 on the weights, none on the biases)

It is evaluated for G parameter vectors at once: each layer's weights become a stack
(G, n_in, n_out) and one batched matmul runs all G networks over the data, in chunks
that keep every intermediate array under ``CHUNK_FLOATS`` numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..network.activations import Activation
from ..network.losses import per_sample_cost, reduction_scale
from ..network.network import Layout, Network
from ..network.regularization import check_regularization
from ..training.trainer import Trainer
from .explain import param_name

# A chunk's largest array: 256K float64 = 2 MB, so a layer's z and a stay in cache (on
# the 6×8 bench 16 MB chunks took 125 ms for 41×41, 2 MB chunks 70 ms).
CHUNK_FLOATS = 1 << 18
MAX_WORK = 1.5e9  # multiply-adds one surface may cost (~1-2 s); finer grids are coarsened


# --- the parameter vector -----------------------------------------------------------------
def param_slices(layer_sizes) -> list[tuple[slice, slice]]:
    """Where each layer sits in θ: (slice of W[i] raveled row-major, slice of b[i])."""
    return Layout(layer_sizes).slices


def param_vector(net: Network) -> np.ndarray:
    """θ (P,): a copy of every weight and bias, in ``param_slices`` order."""
    return net.theta.copy()


def unpack(theta: np.ndarray, layer_sizes) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """θ (P,) -> (weights [(n_in, n_out)], biases [(n_out,)]), copies."""
    return Layout(layer_sizes).views(np.array(theta, dtype=np.float64))


def param_labels(layer_sizes) -> list[str]:
    """A name for every entry of θ (``explain.param_name``): 'w₀,₂ of layer 1', 'b₂ of layer 1'."""
    labels = []
    for i, (n_in, n_out) in enumerate(zip(layer_sizes[:-1], layer_sizes[1:], strict=True)):
        labels += [param_name(i, k, j) for k in range(n_in) for j in range(n_out)]
        labels += [param_name(i, None, j) for j in range(n_out)]
    return labels


# --- planes -------------------------------------------------------------------------------
@dataclass(frozen=True)
class ParamPlane:
    """θ(α, β) = origin + α·basis[0] + β·basis[1]; origin (P,), basis (2, P).

    ``shift`` is added to (α, β) for display only: a plane along two parameters shows
    their values rather than their change.
    """

    origin: np.ndarray
    basis: np.ndarray
    labels: tuple[str, str]
    description: str
    shift: tuple[float, float] = (0.0, 0.0)

    def params(self, coords: np.ndarray) -> np.ndarray:
        """Plane coordinates (m, 2) -> parameter vectors (m, P)."""
        return self.origin + np.asarray(coords, dtype=float) @ self.basis

    def project(self, thetas: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Parameter vectors (m, P) -> their least-squares coordinates (m, 2) in the plane
        (the basis need not be orthogonal) and each one's distance from the plane (m,)."""
        rel = np.atleast_2d(thetas) - self.origin
        coords = np.linalg.lstsq(self.basis.T, rel.T, rcond=None)[0].T
        residual = np.linalg.norm(rel - coords @ self.basis, axis=1)
        return coords, residual


def parameter_plane(net: Network, i: int, j: int) -> ParamPlane:
    """The plane through the current weights along parameters i and j of θ."""
    theta = param_vector(net)
    if i == j or not (0 <= i < theta.size and 0 <= j < theta.size):
        raise ValueError(f"need two different parameters among {theta.size}, got {i} and {j}")
    basis = np.zeros((2, theta.size))
    basis[0, i] = basis[1, j] = 1.0
    names = param_labels(net.layer_sizes)
    return ParamPlane(theta, basis, (names[i], names[j]),
                      f"Along {names[i]} and {names[j]}, every other parameter at its "
                      "current value.", (float(theta[i]), float(theta[j])))


def filter_normalized_direction(net: Network, rng: np.random.Generator) -> np.ndarray:
    """A random direction d (P,) scaled neuron by neuron (Li et al. 2018, "filter
    normalisation"): the part of d on neuron j of a layer (column W[:, j] and bias b[j]) gets
    the norm of that neuron's own parameters, so a step of 1 along d changes every neuron
    by as much as it weighs, whatever the scale of its layer. Zero neurons get zero."""
    theta = param_vector(net)
    d = rng.standard_normal(theta.size)
    sizes = net.layer_sizes
    for (ws, bs), n_in, n_out in zip(param_slices(sizes), sizes[:-1], sizes[1:], strict=True):
        Dw, Tw = d[ws].reshape(n_in, n_out), theta[ws].reshape(n_in, n_out)
        d_norm = np.sqrt(np.sum(Dw * Dw, axis=0) + d[bs] ** 2)  # (n_out,) one per neuron
        t_norm = np.sqrt(np.sum(Tw * Tw, axis=0) + theta[bs] ** 2)
        scale = np.divide(t_norm, d_norm, out=np.zeros(n_out), where=d_norm > 0)
        d[ws] = (Dw * scale).ravel()
        d[bs] = d[bs] * scale
    return d


def random_plane(net: Network, rng: np.random.Generator) -> ParamPlane:
    """The plane through the current weights along two filter-normalised random directions."""
    d1 = filter_normalized_direction(net, rng)
    d2 = filter_normalized_direction(net, rng)
    norms = np.linalg.norm(d1) * np.linalg.norm(d2)
    cos = float(d1 @ d2 / norms) if norms > 0 else 0.0
    return ParamPlane(param_vector(net), np.stack([d1, d2]), ("direction 1", "direction 2"),
                      "Two random directions, filter-normalised (each neuron's part scaled to "
                      f"that neuron's norm; cos of the angle between them {cos:.2f}). "
                      "1 on an axis = every neuron moved by its own size.")


def three_point_plane(points: list[np.ndarray], names: list[str]) -> ParamPlane:
    """The plane through three parameter vectors p₀, p₁, p₂ (P,), with an orthonormal basis
    (Gram–Schmidt of p₁ - p₀ and p₂ - p₀), so distances on it are true distances in
    parameter space. p₀ sits at (0, 0), p₁ on the first axis."""
    p0, p1, p2 = (np.asarray(p, dtype=float) for p in points)
    u, v = p1 - p0, p2 - p0
    if np.linalg.norm(u) == 0:
        raise ValueError(f"{names[0]} and {names[1]} are the same point")
    d1 = u / np.linalg.norm(u)
    w = v - (v @ d1) * d1
    # Rounding leaves ~1e-16·|v| of a vector on the line: call that collinear.
    if np.linalg.norm(w) <= 1e-9 * max(np.linalg.norm(v), np.linalg.norm(u)):
        raise ValueError(f"{', '.join(names)} lie on one line: they span no plane")
    d2 = w / np.linalg.norm(w)
    return ParamPlane(p0, np.stack([d1, d2]), ("distance along " + f"{names[0]} → {names[1]}",
                                               "distance across"),
                      f"The plane through {', '.join(names)} (axes in parameter-space "
                      f"distance, {names[0]} at the origin).")


def path_plane(params: np.ndarray, origin: np.ndarray) -> ParamPlane:
    """The plane through ``origin`` (P,) that holds as much of a path (m, P) as a plane can:
    its two main directions (Li et al. 2018, §7: SVD of the path relative to the origin).
    Random directions among hundreds of dimensions are nearly orthogonal to any path, so
    on their plane a path shows little of where it went; on this one, most of it."""
    rel = np.asarray(params, dtype=float) - origin
    _, sv, vt = np.linalg.svd(rel, full_matrices=False)
    if len(sv) < 2 or sv[1] <= 1e-9 * sv[0]:
        raise ValueError("The run's path has no second direction yet (train at least two "
                         "steps that do not lie on one line).")
    share = float((sv[0] ** 2 + sv[1] ** 2) / np.sum(sv ** 2))
    basis = vt[:2].copy()
    basis[basis @ rel[0] > 0] *= -1  # signs are arbitrary: the run comes from below left
    return ParamPlane(origin, basis, ("main direction 1", "main direction 2"),
                      "The run's two main directions (principal components of its path "
                      f"relative to the current weights; {share:.1%} of the path's spread "
                      "lies in this plane). Axes in parameter-space distance.")


# --- the cost of many parameter vectors at once -------------------------------------------
@dataclass(frozen=True)
class CostFunction:
    """cost(θ) of one architecture on fixed data. X (n, sizes[0]), Y (n, sizes[-1])."""

    layer_sizes: tuple[int, ...]
    acts: tuple[Activation, ...]
    X: np.ndarray
    Y: np.ndarray
    loss: str
    reduction: str
    regularization: str
    reg_rate: float

    @classmethod
    def of(cls, tr: Trainer) -> CostFunction:
        """The cost ``tr`` minimises: its training set, loss, reduction and penalty."""
        return cls(tuple(tr.net.layer_sizes), tuple(tr.net.acts), tr.X, tr.Y, tr.loss,
                   tr.reduction, check_regularization(tr.regularization, tr.reg_rate),
                   float(tr.reg_rate))

    @property
    def multiply_adds(self) -> int:
        """Multiply-adds of one parameter vector's forward pass over the data."""
        s = self.layer_sizes
        return len(self.X) * sum(a * b for a, b in zip(s[:-1], s[1:], strict=True))

    def chunk(self) -> int:
        """Parameter vectors per batched pass, so that no array (activations (g, n, width),
        parameters (g, P)) exceeds CHUNK_FLOATS numbers."""
        s = self.layer_sizes
        n_params = sum(a * b + b for a, b in zip(s[:-1], s[1:], strict=True))
        return max(1, CHUNK_FLOATS // max(len(self.X) * max(s), n_params))

    def __call__(self, thetas: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """thetas (G, P) -> (data loss (G,), penalty (G,)); their sum is the cost."""
        thetas = np.atleast_2d(np.asarray(thetas, dtype=float))
        step = self.chunk()
        data = np.concatenate([self.data_loss(thetas[i:i + step])
                               for i in range(0, len(thetas), step)])
        return data, self.penalty(thetas)

    def data_loss(self, thetas: np.ndarray) -> np.ndarray:
        """thetas (g, P) -> data loss (g,), every network run over X in one batched pass."""
        g, n = len(thetas), len(self.X)
        a = self.X  # (n, sizes[0]): shared, broadcast against the g weight stacks
        sizes = self.layer_sizes
        with np.errstate(all="ignore"):  # a far corner may overflow: its cost is inf there
            for (ws, bs), act, n_in, n_out in zip(param_slices(sizes), self.acts, sizes[:-1],
                                                  sizes[1:], strict=True):
                W = thetas[:, ws].reshape(g, n_in, n_out)
                b = thetas[:, bs].reshape(g, 1, n_out)
                z = np.matmul(a, W)  # (g, n, n_out): z = a_prev @ W + b per network,
                z += b  # the bias added in place (a second (g, n, n_out) array costs more)
                # Activations work on (samples, units): softmax normalises along axis 1.
                a = act.f(z.reshape(g * n, n_out)).reshape(g, n, n_out)
            k = sizes[-1]
            Y = np.broadcast_to(self.Y, (g, n, k)).reshape(g * n, k)
            costs = per_sample_cost(a.reshape(g * n, k), Y, self.loss, z.reshape(g * n, k))
            return costs.reshape(g, n).sum(axis=1) * reduction_scale(self.reduction, n)

    def penalty(self, thetas: np.ndarray) -> np.ndarray:
        """thetas (G, P) -> rate · Σ_layers penalty(W[i]) (G,); biases are never penalised.
        The same sums as ``regularization.penalty``, one row per parameter vector."""
        total = np.zeros(len(thetas))
        if self.regularization == "none" or self.reg_rate == 0:
            return total
        for ws, _ in param_slices(self.layer_sizes):
            W = thetas[:, ws]
            total = total + (np.sum(np.abs(W), axis=1) if self.regularization == "l1"
                             else 0.5 * np.sum(W * W, axis=1))
        return self.reg_rate * total


# --- the surface --------------------------------------------------------------------------
def grid_coords(extent: tuple[float, float, float, float], resolution: int):
    """alphas (R,), betas (R,) and the grid's (α, β) pairs (R·R, 2), row-major with α
    varying fastest, so row r of the surface is β = betas[r] (Plotly's z[y][x])."""
    amin, amax, bmin, bmax = extent
    alphas = np.linspace(amin, amax, resolution)
    betas = np.linspace(bmin, bmax, resolution)
    A, B = np.meshgrid(alphas, betas)
    return alphas, betas, np.column_stack([A.ravel(), B.ravel()])


@dataclass(frozen=True)
class Surface:
    """The cost over the grid: data_loss and penalty (R, R), row r at β = betas[r]."""

    alphas: np.ndarray
    betas: np.ndarray
    data_loss: np.ndarray
    penalty: np.ndarray

    @property
    def cost(self) -> np.ndarray:
        return self.data_loss + self.penalty


def affordable_resolution(cost: CostFunction, wanted: int, minimum: int = 11) -> int:
    """The finest grid up to ``wanted``×``wanted`` whose evaluation stays under MAX_WORK
    multiply-adds (a large upload on a deep network gets a coarser grid, not a long wait)."""
    fits = int(np.sqrt(MAX_WORK / max(cost.multiply_adds, 1)))
    return max(minimum, min(int(wanted), fits))


def evaluate_surface(cost: CostFunction, plane: ParamPlane,
                     extent: tuple[float, float, float, float], resolution: int) -> Surface:
    """The cost at every point of a resolution×resolution grid over ``extent`` of ``plane``,
    parameter vectors built a chunk at a time (never all R²×P at once)."""
    alphas, betas, coords = grid_coords(extent, resolution)
    step = cost.chunk()
    parts = [cost(plane.params(coords[i:i + step])) for i in range(0, len(coords), step)]
    data = np.concatenate([p[0] for p in parts]).reshape(resolution, resolution)
    pen = np.concatenate([p[1] for p in parts]).reshape(resolution, resolution)
    return Surface(alphas, betas, data, pen)


def square_extent(span: float) -> tuple[float, float, float, float]:
    return (-float(span), float(span), -float(span), float(span))


def fit_extent(coords: np.ndarray, margin: float = 0.15,
               least: float = 1e-3) -> tuple[float, float, float, float]:
    """A box around plane coordinates (m, 2), padded by ``margin`` of its larger side on
    every side (and at least ``least`` wide), so a path is never drawn on the edge."""
    lo, hi = coords.min(axis=0), coords.max(axis=0)
    pad = max(float(np.max(hi - lo)) * margin, least)
    return (float(lo[0] - pad), float(hi[0] + pad), float(lo[1] - pad), float(hi[1] + pad))
