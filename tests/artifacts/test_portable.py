"""TorchScript and ONNX copies of exported generators run without ganforge and match the eager
net within 1e-4 (ONNX through onnxruntime, skipped when the onnx extra is not installed)."""
import json
import warnings

import pytest
import torch

import ganforge
from ganforge.generator import Generator
from ganforge.nets import create_model
from ganforge.portable import ONNX_OPSET

TOLERANCE = 1e-4


def conditional_dcgan() -> Generator:
    torch.manual_seed(0)
    net = create_model("dcgan", "generator", z_dim=16, shape=(1, 16, 16), num_classes=10, width=8).eval()
    info = {"name": "mnist", "kind": "image", "shape": [1, 16, 16], "num_classes": 10}
    return Generator(net, info=info, device=torch.device("cpu"), z_dim=16, num_classes=10, family="dcgan",
                     name="tiny", source="tiny")


def unet() -> Generator:
    torch.manual_seed(0)
    net = create_model("unet", "generator", shape=(3, 32, 32), out_channels=1, width=4).eval()
    info = {"name": "pairs", "kind": "image", "shape": [3, 32, 32], "target_shape": [1, 32, 32], "num_classes": 0,
            "task": "paired"}
    return Generator(net, info=info, device=torch.device("cpu"), z_dim=0, num_classes=0, family="unet",
                     name="tiny", source="tiny")


def latent_inputs(n=5):
    g = torch.Generator().manual_seed(11)
    return torch.randn(n, 16, generator=g), torch.arange(n) % 10


def test_torchscript_copy_matches_eager(tmp_path, capsys):
    gen = conditional_dcgan()
    out = gen.save_pretrained(tmp_path / "m", formats=["torchscript"])
    assert "note: TorchScript is deprecated by PyTorch" in capsys.readouterr().err
    entry = json.loads((out / "config.json").read_text())["files"]["torchscript"]["default"]
    assert entry["inputs"] == {"z": ["N", 16], "y": ["N"]}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # PyTorch's notice that TorchScript is on its way out
        scripted = torch.jit.load(str(out / entry["file"]))
    z, y = latent_inputs()
    with torch.no_grad():
        assert (scripted(z, y) - gen.net(z, y)).abs().max() <= TOLERANCE
    # the folder still loads as a generator, with the same samples
    assert torch.equal(ganforge.from_pretrained(out).sample(4, seed=1, labels=2), gen.sample(4, seed=1, labels=2))


def test_onnx_copy_matches_eager_in_onnxruntime(tmp_path):
    ort = pytest.importorskip("onnxruntime")
    pytest.importorskip("onnxscript")
    gen = conditional_dcgan()
    out = gen.save_pretrained(tmp_path / "m", formats=["onnx"])
    entry = json.loads((out / "config.json").read_text())["files"]["onnx"]["default"]
    assert entry["opset"] == ONNX_OPSET and entry["max_abs_error"] <= TOLERANCE
    session = ort.InferenceSession(str(out / entry["file"]), providers=["CPUExecutionProvider"])
    z, y = latent_inputs(7)  # another batch size than the export saw
    got = session.run(None, {"z": z.numpy(), "y": y.numpy()})[0]
    with torch.no_grad():
        assert abs(torch.as_tensor(got) - gen.net(z, y)).max() <= TOLERANCE


def test_onnx_image_to_image_keeps_height_and_width_dynamic(tmp_path):
    ort = pytest.importorskip("onnxruntime")
    pytest.importorskip("onnxscript")
    gen = unet()
    out = gen.save_pretrained(tmp_path / "m", formats=["onnx"])
    session = ort.InferenceSession(str(out / "model.onnx"), providers=["CPUExecutionProvider"])
    x = torch.rand(2, 3, 64, 96, generator=torch.Generator().manual_seed(3)) * 2 - 1
    got = session.run(None, {"x": x.numpy()})[0]
    for module in gen.net.modules():  # the copy has pix2pix's test-time dropout off; compare like with like
        if hasattr(module, "eval_noise"):
            module.eval_noise = False
    with torch.no_grad():
        assert got.shape == (2, 1, 64, 96) and abs(torch.as_tensor(got) - gen.net(x)).max() <= TOLERANCE


def test_unknown_format_is_refused(tmp_path):
    with pytest.raises(ganforge.ConfigError, match="choose from: safetensors, torchscript, onnx"):
        conditional_dcgan().save_pretrained(tmp_path / "m", formats=["tflite"])
    assert not (tmp_path / "m").exists()
