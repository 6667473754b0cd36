"""Model folders: ``ganforge export`` writes config.json + model.safetensors, ``from_pretrained``
builds the generator alone from them, and the commands that take a run take a folder."""
import json

import pytest
import torch
from click.testing import CliRunner
from safetensors.torch import load_file

import ganforge
from ganforge.artifact import CONFIG_FILE, WEIGHTS_FILE, is_model_folder
from ganforge.cli import cli
from ganforge.translate.apply import ImageModel

TINY_CYCLE = ["image_size=16", "generator.width=4", "generator.blocks=1", "discriminator.width=4", "batch_size=4",
              "steps=2", "progress=false", "report=false", "num_samples=4"]
TINY_TABLE = ["steps=10", "batch_size=100", "progress=false", "report=false", "log_every=5", "sample_every=10",
              "checkpoint_every=10", "generator.width=32", "discriminator.width=32", "z_dim=16"]


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


@pytest.fixture(scope="module")
def mnist_run(tmp_path_factory):
    """A conditional DCGAN on 16 px MNIST, a few steps, checkpoints at steps 3 and 6."""
    overrides = ["image_size=16", "steps=6", "batch_size=16", "generator.width=8", "discriminator.width=8",
                 "objective.conditional=true", "checkpoint_every=3", "keep_checkpoints=5", "sample_every=6",
                 "progress=false", "report=false", "num_samples=10", "log_every=3"]
    return ganforge.train("dcgan-mnist", out=tmp_path_factory.mktemp("runs") / "mnist", overrides=overrides)


def test_round_trip_is_bit_exact_and_needs_no_discriminator(mnist_run, tmp_path):
    out = ganforge.export(mnist_run, tmp_path / "model")
    assert is_model_folder(out) and sorted(p.name for p in out.iterdir()) == [CONFIG_FILE, WEIGHTS_FILE]
    run_gen, folder_gen = ganforge.load(mnist_run), ganforge.from_pretrained(out)
    for seed in (0, 7):
        assert torch.equal(run_gen.sample(20, seed=seed, labels=3), folder_gen.sample(20, seed=seed, labels=3))
    assert torch.equal(run_gen.sample(10, seed=1), ganforge.Generator.from_pretrained(out).sample(10, seed=1))
    assert folder_gen.objective is None and folder_gen.checkpoint is None
    assert folder_gen.cfg.steps == 6  # the recorded training config, for reading
    with pytest.raises(ganforge.ConfigError, match="without its discriminator"):
        folder_gen.sample(4, labels=1, rejection=50)


def test_config_describes_the_generator_and_keys_are_plain(mnist_run, tmp_path):
    out = ganforge.export(mnist_run, tmp_path / "model")
    config = json.loads((out / CONFIG_FILE).read_text())
    assert config["format"] == "ganforge.generator" and config["ganforge_version"] == ganforge.__version__
    assert config["family"] == "dcgan" and config["generator"]["name"] == "dcgan"
    options = config["generator"]["options"]
    assert options["width"] == 8 and options["z_dim"] == config["z_dim"] == 64 and "embed_dim" in options  # defaults recorded too
    assert config["data_shape"] == [1, 16, 16] and config["num_classes"] == 10 and len(config["class_names"]) == 10
    assert config["supports_truncation"] is False and config["weights"] == "ema"
    assert config["source"]["checkpoint"] == "step-00000006" and config["source"]["config"]["steps"] == 6
    keys = load_file(str(out / WEIGHTS_FILE)).keys()
    assert keys == ganforge.load(mnist_run).net.state_dict().keys()
    assert not any(k.startswith(("G_ema.", "objective.")) for k in keys)


def test_checkpoint_choice_and_refusals(mnist_run, tmp_path):
    early = ganforge.export(mnist_run, tmp_path / "early", checkpoint="step-3")
    assert json.loads((early / CONFIG_FILE).read_text())["source"]["checkpoint"] == "step-00000003"
    assert torch.equal(ganforge.from_pretrained(early).sample(8, seed=2),
                       ganforge.load(mnist_run, checkpoint="step-3").sample(8, seed=2))
    with pytest.raises(ganforge.ConfigError, match="step-N"):
        ganforge.export(mnist_run, tmp_path / "x", checkpoint="step-99")
    occupied = tmp_path / "occupied"
    occupied.mkdir()
    (occupied / "notes.txt").write_text("mine")
    result = invoke("export", mnist_run, "--out", occupied)
    assert result.exit_code == 2 and "not a model folder" in result.output
    assert (occupied / "notes.txt").read_text() == "mine"
    again = invoke("export", mnist_run, "--out", early)  # an existing model folder is replaced
    assert again.exit_code == 0 and json.loads((early / CONFIG_FILE).read_text())["source"]["checkpoint"] == "step-00000006"


def test_commands_take_a_model_folder(mnist_run, tmp_path):
    out = tmp_path / "model"
    result = invoke("export", mnist_run, "--out", out)
    assert result.exit_code == 0 and "model.safetensors" in result.output
    assert invoke("sample", out, "-n", "10", "--grid", "--out", tmp_path / "g.png").exit_code == 0
    assert invoke("sample", out, "-n", "6", "--class", "4", "--out", tmp_path / "x.npy").exit_code == 0
    walk = invoke("interpolate", out, "--seeds", "1,2", "--steps", "3", "--out", tmp_path / "walk.png")
    assert walk.exit_code == 0 and (tmp_path / "walk.gif").exists()
    evaluated = invoke("eval", out)
    assert evaluated.exit_code == 2 and "model folder" in evaluated.output
    pytest.importorskip("flask")
    from ganforge.serve import create_app

    client = create_app(ganforge.load(out)).test_client()
    assert client.get("/api/grid?seed=1&n=4&class=2").status_code == 200


def test_shipped_pretrained_mnist_is_a_model_folder(tmp_path):
    from ganforge.pretrained import pretrained_folder

    assert is_model_folder(pretrained_folder("pretrained:mnist"))
    out = ganforge.export("pretrained:mnist", tmp_path / "copy")
    assert torch.equal(ganforge.from_pretrained(out).sample(6, seed=4), ganforge.load("pretrained:mnist").sample(6, seed=4))


def test_init_from_a_model_folder(mnist_run, tmp_path):
    out = ganforge.export(mnist_run, tmp_path / "model")
    overrides = ["image_size=16", "steps=1", "batch_size=16", "generator.width=8", "discriminator.width=8",
                 "objective.conditional=true", "progress=false", "report=false", "ema=0", f"init_from={out}",
                 "objective.regularizer=none"]
    from ganforge.config import resolve_config
    from ganforge.objectives import build_objective
    from ganforge.train.transfer import init_from

    cfg = resolve_config("dcgan-mnist", overrides)
    objective = build_objective(cfg, ganforge.load(mnist_run).info)
    init_from(objective, str(out))
    want = ganforge.from_pretrained(out).net.state_dict()
    assert all(torch.equal(v, want[k]) for k, v in objective.generator.state_dict().items())


def test_cyclegan_exports_both_directions(tmp_path):
    run = ganforge.train("cyclegan-digits", out=tmp_path / "cycle", overrides=TINY_CYCLE)
    out = ganforge.export(run, tmp_path / "model")
    config = json.loads((out / CONFIG_FILE).read_text())
    assert set(config["generator"]["directions"]) == {"AtoB", "BtoA"} and config["input"] == "image"
    x = torch.rand(2, 1, 16, 16) * 2 - 1
    for direction in ("AtoB", "BtoA"):
        assert torch.equal(ImageModel(run, direction=direction)(x), ImageModel(out, direction=direction)(x))
    with pytest.raises(ganforge.ConfigError, match="translates images"):
        ganforge.from_pretrained(out).sample(2)
    images = tmp_path / "in"
    images.mkdir()
    from PIL import Image

    Image.new("L", (20, 16), 128).save(images / "a.png")
    result = invoke("translate", out, images, "--out", tmp_path / "done", "--direction", "BtoA")
    assert result.exit_code == 0, result.output


def test_table_runs_export_their_column_encoding(tmp_path):
    penguin_run = ganforge.train("tabular", out=tmp_path / "penguins", overrides=TINY_TABLE)
    out = ganforge.export(penguin_run, tmp_path / "model")
    config = json.loads((out / CONFIG_FILE).read_text())
    assert config["kind"] == "table" and "table" in config["data"]
    from_run, from_folder = ganforge.load(penguin_run).sample(50, seed=3), ganforge.from_pretrained(out).sample(50, seed=3)
    assert from_run.equals(from_folder)
    where = ganforge.from_pretrained(out).sample(10, seed=1, where={"island": "Dream"})
    assert (where["island"] == "Dream").all()
    with pytest.raises(ganforge.ConfigError, match="column encoding in Python"):
        ganforge.export(penguin_run, tmp_path / "onnx", formats=["onnx"])


def test_damaged_or_newer_folders_are_refused_in_one_line(tmp_path):
    out = ganforge.export("pretrained:mnist", tmp_path / "m")
    config = json.loads((out / CONFIG_FILE).read_text())
    (out / CONFIG_FILE).write_text(json.dumps({**config, "format_version": 99}))
    with pytest.raises(ganforge.ConfigError, match="format version 99 .* upgrade ganforge"):
        ganforge.from_pretrained(out)
    wider = {**config, "generator": {**config["generator"], "options": {**config["generator"]["options"], "width": 16}}}
    (out / CONFIG_FILE).write_text(json.dumps(wider))
    with pytest.raises(ganforge.ConfigError, match="the weights do not fit the net config.json describes"):
        ganforge.from_pretrained(out)
    (out / CONFIG_FILE).write_text("{not json")
    with pytest.raises(ganforge.ConfigError, match="not readable as JSON"):
        ganforge.from_pretrained(out)
    run_like = tmp_path / "run"
    run_like.mkdir()
    (run_like / "config.yaml").write_text("name: x\n")
    with pytest.raises(ganforge.ConfigError, match="use ganforge.load"):
        ganforge.from_pretrained(run_like)
