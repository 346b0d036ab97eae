"""``momentum_lab.torch.optimizers.HeavyBall`` takes ``torch.optim.SGD``'s arguments and defaults and reproduces
it bit for bit."""

import copy
import inspect

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytestmark = pytest.mark.frameworks

from momentum_lab.landscapes import quadratic_bowl  # noqa: E402
from momentum_lab.optim import SGD, trajectory  # noqa: E402
from momentum_lab.torch.optimizers import HeavyBall  # noqa: E402

SETTINGS = [
    dict(momentum=0.9),
    dict(momentum=0.9, nesterov=True),
    dict(momentum=0.5, dampening=0.5),
    dict(momentum=0.9, weight_decay=0.01),
    dict(momentum=0.8, nesterov=True, weight_decay=0.05),
    dict(momentum=0.0),
    dict(momentum=0.0, weight_decay=0.1),
    dict(momentum=0.9, maximize=True),
    dict(momentum=0.9, nesterov=True, weight_decay=0.01, maximize=True),
    dict(momentum=0.7, foreach=True),
    dict(momentum=0.7, dampening=0.1, foreach=None),
]
IDS = [",".join(f"{a}={b}" for a, b in k.items()) for k in SETTINGS]


def tiny_regression(dtype=torch.float64, seed=0):
    """A 3-4-1 MLP, its data, and a closure computing the MSE loss and gradients."""
    torch.manual_seed(seed)
    model = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Tanh(), torch.nn.Linear(4, 1)).to(dtype)
    x = torch.randn(32, 3, dtype=dtype)
    y = torch.randn(32, 1, dtype=dtype)
    return model, x, y


def train(make_optimizer, steps=30, dtype=torch.float64, use_closure=False):
    model, x, y = tiny_regression(dtype)
    opt = make_optimizer(model.parameters())
    losses = []
    for _ in range(steps):

        def closure():
            opt.zero_grad()
            loss = torch.nn.functional.mse_loss(model(x), y)
            loss.backward()
            return loss

        if use_closure:
            losses.append(opt.step(closure).item())
        else:
            losses.append(closure().item())
            opt.step()
    return [p.detach().clone() for p in model.parameters()], losses, opt


@pytest.mark.parametrize("kwargs", SETTINGS, ids=IDS)
@pytest.mark.parametrize("dtype", [torch.float64, torch.float32], ids=["float64", "float32"])
def test_trains_a_model_exactly_like_torch_sgd(kwargs, dtype):
    ours, our_losses, opt = train(lambda p: HeavyBall(p, lr=0.05, **kwargs), dtype=dtype)
    theirs, their_losses, ref = train(
        lambda p: torch.optim.SGD(p, lr=0.05, **({"foreach": False} | kwargs)), dtype=dtype
    )
    for a, b in zip(ours, theirs):
        torch.testing.assert_close(a, b, rtol=0, atol=0)
    assert our_losses == their_losses
    if kwargs["momentum"]:
        for p_ours, p_ref in zip(opt.param_groups[0]["params"], ref.param_groups[0]["params"]):
            torch.testing.assert_close(
                opt.state[p_ours]["momentum_buffer"], ref.state[p_ref]["momentum_buffer"], rtol=0, atol=0
            )


def test_signature_and_defaults_are_torch_sgds():
    ours, theirs = inspect.signature(HeavyBall), inspect.signature(torch.optim.SGD)
    assert [(p.name, p.kind, p.default) for p in ours.parameters.values()] == [
        (p.name, p.kind, p.default) for p in theirs.parameters.values()
    ]
    model, _, _ = tiny_regression()
    defaults, reference = HeavyBall(model.parameters()).defaults, torch.optim.SGD(model.parameters()).defaults
    assert defaults == reference and defaults["lr"] == 1e-3 and defaults["momentum"] == 0


def test_default_arguments_and_positional_order_train_like_torch_sgd():
    for args, kwargs in [((), {}), ((0.1, 0.9, 0.0, 0.01, True), {})]:
        ours, our_losses, _ = train(lambda p, args=args, kwargs=kwargs: HeavyBall(p, *args, **kwargs))
        theirs, their_losses, _ = train(
            lambda p, args=args, kwargs=kwargs: torch.optim.SGD(p, *args, foreach=False, **kwargs)
        )
        for a, b in zip(ours, theirs):
            torch.testing.assert_close(a, b, rtol=0, atol=0)
        assert our_losses == their_losses


@pytest.mark.parametrize(
    "lr", [torch.tensor(0.05), torch.tensor([0.05], dtype=torch.float64)], ids=["0-d float32", "1-element float64"]
)
def test_tensor_learning_rate_and_weight_decay(lr):
    kwargs = dict(lr=lr, momentum=0.9, weight_decay=torch.tensor(0.01))
    ours, our_losses, opt = train(lambda p: HeavyBall(p, **kwargs))
    theirs, their_losses, _ = train(lambda p: torch.optim.SGD(p, foreach=False, **kwargs))
    for a, b in zip(ours, theirs):
        torch.testing.assert_close(a, b, rtol=0, atol=0)
    assert our_losses == their_losses and opt.param_groups[0]["lr"] is lr


def test_maximize_ascends():
    p = torch.tensor([1.0, -2.0], requires_grad=True)
    opt = HeavyBall([p], lr=0.1, momentum=0.5, maximize=True)
    for _ in range(3):
        opt.zero_grad()
        (-(p**2).sum()).backward()  # maximising −‖p‖² walks to 0
        opt.step()
    assert p.detach().abs().max() < 1.0


def test_closure_returns_the_loss_and_gives_the_same_training():
    with_closure, losses, _ = train(lambda p: HeavyBall(p, lr=0.05, momentum=0.9), use_closure=True)
    without, losses_plain, _ = train(lambda p: HeavyBall(p, lr=0.05, momentum=0.9))
    for a, b in zip(with_closure, without):
        torch.testing.assert_close(a, b, rtol=0, atol=0)
    assert losses == losses_plain and losses[-1] < losses[0]


def test_agrees_with_the_numpy_sgd_on_a_quadratic():
    bowl = quadratic_bowl(30.0, dim=4, seed=2)
    x0 = np.array([1.0, -1.0, 2.0, 0.5])
    p = torch.tensor(x0, requires_grad=True)
    opt = HeavyBall([p], lr=0.5, momentum=0.9, nesterov=True)
    path = [x0]
    for _ in range(50):
        p.grad = torch.from_numpy(bowl.grad(p.detach().numpy()))
        opt.step()
        path.append(p.detach().numpy().copy())
    np.testing.assert_allclose(
        np.array(path), trajectory(bowl.grad, x0, SGD(0.5, momentum=0.9, nesterov=True), 50), rtol=0, atol=1e-12
    )


def test_leaves_gradients_alone_and_skips_parameters_without_one():
    a = torch.tensor([1.0, 2.0], requires_grad=True)
    b = torch.tensor([3.0], requires_grad=True)
    a.grad = torch.tensor([0.5, 0.5])
    opt = HeavyBall([a, b], lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.1)
    opt.step()
    torch.testing.assert_close(a.grad, torch.tensor([0.5, 0.5]))
    torch.testing.assert_close(b.detach(), torch.tensor([3.0]))
    assert b not in opt.state


def test_param_groups_schedulers_and_state_dict():
    model, x, y = tiny_regression()

    def groups(net):
        return [{"params": net[0].parameters(), "lr": 0.01}, {"params": net[2].parameters()}]

    opt = HeavyBall(groups(model), lr=0.1, momentum=0.9)
    assert [g["lr"] for g in opt.param_groups] == [0.01, 0.1]
    scheduler = torch.optim.lr_scheduler.StepLR(opt, step_size=1, gamma=0.5)

    def step():
        opt.zero_grad()
        torch.nn.functional.mse_loss(model(x), y).backward()
        opt.step()
        scheduler.step()

    step()
    assert [g["lr"] for g in opt.param_groups] == [0.005, 0.05]
    # a copy resumed from a saved state_dict continues identically (deepcopy stands in for torch.save:
    # load_state_dict keeps same-dtype tensors as they are, so without a copy the buffers would be shared)
    twin_model, _, _ = tiny_regression()
    twin_model.load_state_dict(model.state_dict())
    twin = HeavyBall(groups(twin_model), lr=0.1, momentum=0.9)
    twin.load_state_dict(copy.deepcopy(opt.state_dict()))
    step()
    twin.zero_grad()
    torch.nn.functional.mse_loss(twin_model(x), y).backward()
    twin.step()
    for p, q in zip(model.parameters(), twin_model.parameters()):
        torch.testing.assert_close(p, q, rtol=0, atol=0)


BAD = [
    (dict(lr=-0.1), ValueError, "lr must be >= 0; got lr=-0.1"),
    (dict(lr="0.1"), TypeError, "lr must be a real number; got lr='0.1'"),
    (dict(momentum=-0.9), ValueError, "momentum must be >= 0; got momentum=-0.9"),
    (dict(momentum=0.0, nesterov=True), ValueError, "nesterov=True requires momentum > 0; got momentum=0.0"),
    (dict(nesterov=True, dampening=0.5), ValueError, "nesterov=True requires dampening=0; got dampening=0.5"),
    (dict(nesterov=1), TypeError, "nesterov must be True or False; got nesterov=1"),
    (dict(dampening=2.0), ValueError, "dampening must be in [0, 1]; got dampening=2.0"),
    (dict(weight_decay=-1.0), ValueError, "weight_decay must be >= 0; got weight_decay=-1.0"),
    (
        dict(lr=torch.tensor([0.1, 0.2])),
        ValueError,
        "lr must be a float or a 1-element tensor; got a tensor of shape (2,)",
    ),
    (dict(lr=torch.tensor(-0.5)), ValueError, "lr must be >= 0; got lr=-0.5"),
    (dict(maximize="yes"), TypeError, "maximize must be True or False; got maximize='yes'"),
    (dict(foreach=1), TypeError, "foreach must be True or False; got foreach=1"),
    (dict(differentiable=True), ValueError, "differentiable=True is not supported by HeavyBall"),
    (dict(fused=True), ValueError, "fused=True is not supported by HeavyBall"),
]


@pytest.mark.parametrize("kwargs, error, fragment", BAD, ids=[c[2] for c in BAD])
def test_bad_arguments(kwargs, error, fragment):
    args = dict(lr=0.1, momentum=0.9) | kwargs
    with pytest.raises(error) as info:
        HeavyBall([torch.zeros(2, requires_grad=True)], **args)
    assert fragment in str(info.value)
