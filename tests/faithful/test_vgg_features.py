"""ESRGAN's perceptual loss: VGG-19 conv5_4 before activation, ImageNet-normalised, weights from
the local torchvision file named by GANFORGE_VGG19_WEIGHTS."""
import pytest
import torch
import torch.nn.functional as F

from ganforge.config import resolve_config
from ganforge.errors import ConfigError
from ganforge.nets.vgg import VGG19Features
from ganforge.objectives import build_objective
from ganforge.objectives.features import create_feature_net, resolve_feature_net

# torchvision models/vgg.py cfgs["E"] and make_layers: conv3x3 + ReLU per number, MaxPool2d per "M".
CFG_E = [64, 64, "M", 128, 128, "M", 256, 256, 256, 256, "M", 512, 512, 512, 512, "M", 512, 512, 512, 512, "M"]


def torchvision_layout():
    """(index, kind, cin, cout) of vgg19().features, as make_layers numbers them."""
    out, i, cin = [], 0, 3
    for v in CFG_E:
        if v == "M":
            out.append((i, "pool", None, None))
            i += 1
        else:
            out += [(i, "conv", cin, v), (i + 1, "relu", None, None)]
            i, cin = i + 2, v
    return out


@pytest.fixture(scope="module")
def weights_file(tmp_path_factory):
    g = torch.Generator().manual_seed(0)
    state = {}
    for i, kind, cin, cout in torchvision_layout():
        if kind == "conv":
            state[f"features.{i}.weight"] = torch.randn(cout, cin, 3, 3, generator=g) * (2 / (9 * cin)) ** 0.5
            state[f"features.{i}.bias"] = torch.randn(cout, generator=g) * 0.1
    state["classifier.0.weight"], state["classifier.0.bias"] = torch.zeros(2, 3), torch.zeros(2)  # ignored
    path = tmp_path_factory.mktemp("vgg") / "vgg19-dcbb9e9d.pth"
    torch.save(state, path)
    return path, state


def test_loads_the_torchvision_layout_and_stops_at_conv5_4_before_relu(weights_file, monkeypatch):
    path, state = weights_file
    monkeypatch.setenv("GANFORGE_VGG19_WEIGHTS", str(path))
    net = create_feature_net("vgg19", channels=3)
    x = torch.rand(2, 3, 32, 32) * 2 - 1
    # By hand: [0, 1] range, ImageNet normalisation (BasicSR use_input_norm), torchvision's layers up
    # to features.34 = conv5_4, without the ReLU at features.35.
    h = ((x + 1) / 2 - torch.tensor([0.485, 0.456, 0.406]).view(1, 3, 1, 1)) / torch.tensor(
        [0.229, 0.224, 0.225]).view(1, 3, 1, 1)
    for i, kind, _, _ in torchvision_layout():
        if i > 34:
            break
        if kind == "conv":
            h = F.conv2d(h, state[f"features.{i}.weight"], state[f"features.{i}.bias"], padding=1)
        elif kind == "relu":
            h = F.relu(h)
        else:
            h = F.max_pool2d(h, 2)
    out = net(x)
    assert out.shape == (2, 512, 2, 2) and (out < 0).any()  # pre-activation features can be negative
    assert torch.allclose(out, h, atol=1e-4)
    grey = torch.rand(2, 1, 32, 32) * 2 - 1
    assert torch.allclose(net(grey), net(grey.expand(-1, 3, -1, -1)))
    assert not any(p.requires_grad for p in net.parameters())


def test_missing_weights_say_where_to_get_them(monkeypatch, tmp_path):
    monkeypatch.delenv("GANFORGE_VGG19_WEIGHTS", raising=False)
    with pytest.raises(ConfigError, match="download.pytorch.org/models/vgg19-dcbb9e9d.pth.*GANFORGE_VGG19_WEIGHTS"):
        VGG19Features()
    assert resolve_feature_net("auto") == "random"
    bad = tmp_path / "other.pth"
    torch.save({"features.0.weight": torch.zeros(1)}, bad)
    with pytest.raises(ConfigError, match="cannot load VGG19 weights"):
        VGG19Features(str(bad))


SR = {"shape": [3, 8, 8], "target_shape": [3, 32, 32], "num_classes": 0, "name": "sr-photos", "task": "paired",
      "scale": 4, "kind": "image"}


def test_superres_uses_vgg19_and_refuses_a_heavy_random_feature_loss(weights_file, monkeypatch):
    monkeypatch.delenv("GANFORGE_VGG19_WEIGHTS", raising=False)
    cfg = resolve_config("esrgan-photos", ["objective.lambda_feature=1.0", "objective.feature_net=random"])
    with pytest.raises(ConfigError, match="lambda_feature=1.0 on the random feature net"):
        build_objective(cfg, SR)
    with pytest.warns(UserWarning, match="no VGG19 weights"):
        build_objective(resolve_config("esrgan-photos"), SR)  # the recipe's auto falls back, weight 0.05
    monkeypatch.setenv("GANFORGE_VGG19_WEIGHTS", str(weights_file[0]))
    obj = build_objective(resolve_config("esrgan-photos", ["objective.lambda_feature=1.0"]), SR)
    assert isinstance(obj._features[0].net, VGG19Features)
