"""The word data, the character CNN family and the text metrics."""
import pytest
import torch
import torch.nn.functional as F

from ganforge.config import resolve_config
from ganforge.data import load_dataset
from ganforge.data.text import decode, encode, letters_vocab
from ganforge.errors import ConfigError, DataError
from ganforge.metrics.text import js_divergence, ngram_counts, ngram_stats, word_stats
from ganforge.nets import create_model
from ganforge.nets.charcnn import categorical
from ganforge.objectives import StepContext, build_objective


def test_words_shapes_split_and_seed():
    ds = load_dataset("words", max_len=6, holdout=0.2, seed=1)
    assert ds.kind == "text" and ds.shape == (6, 27) and ds.vocab[0] == "."
    words = ds.words()
    assert all(3 <= len(w) <= 6 for w in words) and len(set(words)) == len(words)
    assert not set(words) & set(ds.heldout)
    assert len(ds.heldout) == pytest.approx(0.2 * (len(words) + len(ds.heldout)), abs=1)
    assert set(words) | set(ds.heldout) <= ds.dictionary
    x, y = ds.get(torch.arange(5))
    assert x.shape == (5, 6, 27) and y is None and torch.equal(x.sum(-1), torch.ones(5, 6))
    again = load_dataset("words", max_len=6, holdout=0.2, seed=1)
    assert again.heldout == ds.heldout and load_dataset("words", max_len=6, holdout=0.2, seed=2).heldout != ds.heldout


def test_encode_decode_round_trip_reads_to_the_first_end():
    vocab = letters_vocab()
    ids = torch.from_numpy(encode(["cat", "zebra"], vocab, 6)).long()
    assert decode(ids, vocab) == ["cat", "zebra"] and decode(F.one_hot(ids, 27), vocab) == ["cat", "zebra"]
    ids[0, 4] = 5  # a symbol after the end is ignored
    assert decode(ids, vocab)[0] == "cat"


def test_wordlist_file(tmp_path):
    path = tmp_path / "names.txt"
    path.write_text("anna\nBob\n\nclara\n")
    ds = load_dataset(f"wordlist:{path}", max_len=5, holdout=0.0)
    assert sorted(ds.words()) == ["anna", "bob", "clara"]
    path.write_text("anna\nx-ray\n")
    with pytest.raises(DataError, match=":2:"):
        load_dataset(f"wordlist:{path}")


def test_generator_relaxations():
    torch.manual_seed(0)
    z = torch.randn(4, 16)
    for relaxation, hard in [("gumbel", False), ("gumbel", True), ("softmax", False)]:
        g = create_model("charcnn", "generator", z_dim=16, shape=(6, 27), width=16, relaxation=relaxation, hard=hard)
        x = g(z)
        assert torch.allclose(x.sum(-1), torch.ones(4, 6), atol=1e-5)
        assert ((x == 0) | (x == 1)).all() == hard  # straight-through: exact one-hots forward
        g.eval()
        out = g(z)
        assert ((out == 0) | (out == 1)).all() and torch.equal(out.argmax(-1), g.logits(z).argmax(-1))


def test_js_divergence_matches_the_definition():
    p, q = ngram_counts(["ab"], 1), ngram_counts(["ab"], 1)
    assert js_divergence(p, q) == 0
    assert js_divergence(ngram_counts(["aa"], 1), ngram_counts(["bb"], 1)) == pytest.approx(1.0)
    # p = (1/2, 1/2), q = (1, 0): JS = 1/2 KL(p||m) + 1/2 KL(q||m), m = (3/4, 1/4)
    import math

    expected = 0.5 * (0.5 * math.log2(0.5 / 0.75) + 0.5 * math.log2(0.5 / 0.25)) + 0.5 * math.log2(1 / 0.75)
    assert js_divergence(ngram_counts(["ab"], 1), ngram_counts(["aa"], 1)) == pytest.approx(expected)


def test_word_metrics_perfect_copying_inventing_and_collapsed():
    ds = load_dataset("words", max_len=8)
    train, dictionary = frozenset(ds.words()), ds.dictionary
    copies = sorted(train)[::20][:1000]
    inventions = sorted(ds.heldout)[:1000]
    assert word_stats(copies, train, dictionary) == {"real_words": 1.0, "novel": 0.0, "novel_real_words": 0.0,
                                                     "unique": 1.0}
    assert word_stats(inventions, train, dictionary)["novel_real_words"] == 1.0
    collapsed = word_stats(["cat"] * 1000, train, dictionary)
    assert collapsed["unique"] == 0.001
    gibberish = word_stats(["qxzvv", "jjjjk"] * 50, train, dictionary)
    assert gibberish["real_words"] == 0 and gibberish["novel"] == 1
    js_copies, js_collapsed = ngram_stats(copies, train), ngram_stats(["cat"] * 1000, train)
    assert all(js_copies[k] < js_collapsed[k] for k in js_copies) and js_copies["js_1"] < 0.01


def test_words_without_the_text_extra_says_which_extra(monkeypatch):
    import sys

    from ganforge.data.text import word_list
    from ganforge.errors import ConfigError

    word_list.cache_clear()
    monkeypatch.setitem(sys.modules, "english_words", None)  # import english_words raises ImportError
    try:
        with pytest.raises(ConfigError, match=r"data=words needs english_words.*ganforge\[text\]"):
            load_dataset("words")
    finally:
        word_list.cache_clear()


def test_sampled_decoding_draws_exactly_from_the_softmax_and_is_fixed_by_z():
    logits = torch.tensor([0.0, 1.0, 2.0]).expand(100_000, 3)
    freq = categorical(logits, torch.rand(100_000)).mean(0)
    assert torch.allclose(freq, F.softmax(logits[0], -1), atol=0.01)
    for name in ("charcnn", "chargru"):
        g = create_model(name, "generator", z_dim=16, shape=(6, 27), width=16, decode="sample").eval()
        z = torch.randn(64, 16)
        out = g(z)
        assert ((out == 0) | (out == 1)).all() and torch.equal(out, g(z))  # the same z, the same string
        assert torch.equal(g(z[:5]), out[:5])  # a string does not depend on the rest of the batch
        assert g.code(z, None).shape == (64, 10)  # the last L coordinates are the draws' uniforms
    with pytest.raises(ConfigError, match="z_dim > 6"):
        create_model("chargru", "generator", z_dim=6, shape=(6, 27), decode="sample")


def test_gru_likelihood_is_teacher_forced_and_stops_at_the_first_end():
    torch.manual_seed(0)
    g = create_model("chargru", "generator", z_dim=16, shape=(5, 27), width=16)
    vocab = letters_vocab()
    x = F.one_hot(torch.from_numpy(encode(["cab", "ab"], vocab, 5)).long(), 27).float()
    z = torch.randn(2, 16)
    logits = g.teacher_logits(x, z)
    # the logits at position t see the real symbols before t only
    changed = x.clone()
    changed[0, 3] = F.one_hot(torch.tensor(5), 27).float()  # the end symbol after "cab" becomes "e"
    again = g.teacher_logits(changed, z)
    assert torch.equal(again[0, :4], logits[0, :4]) and not torch.equal(again[0, 4], logits[0, 4])
    # scored: "c a b ." and "a b .": 7 symbols; the padding after the first end is not
    ids = x.argmax(-1)
    nll = -torch.cat([F.log_softmax(logits[0, :4], -1)[torch.arange(4), ids[0, :4]],
                      F.log_softmax(logits[1, :3], -1)[torch.arange(3), ids[1, :3]]]).mean()
    assert torch.allclose(g.nll(x, z), nll, atol=1e-6)


def test_mle_gan_pretrains_g_alone_at_its_rate_then_plays_the_gan():
    cfg = resolve_config("textgan-words", ["generator={name: chargru, width: 16, decode: sample}",
                                           "discriminator.width=16", "discriminator.blocks=1",
                                           "objective={name: mle-gan, pretrain_steps: 3, pretrain_lr: 0.01, "
                                           "regularizer: gp}", "lr_g=0.0001"])
    obj = build_objective(cfg, {"name": "words", "shape": (8, 27), "num_classes": 0})
    real = F.one_hot(torch.from_numpy(encode(["word", "words"], letters_vocab(), 8)).long(), 27).float()
    early, late = StepContext(2, 10, 0.1), StepContext(3, 15, 0.2)
    loss, logs = obj.g_step(real, None, early)
    assert set(logs) == {"loss_mle"} and loss.item() > 0
    d_loss, d_logs = obj.d_step(real, None, early)
    assert d_loss.item() == 0 and not d_logs
    assert obj.lr_multipliers(2) == {"g": pytest.approx(100.0)} and obj.lr_multipliers(3) == {}
    _, logs = obj.g_step(real, None, late)
    assert "loss_g_adv" in logs and "loss_mle" not in logs
    _, d_logs = obj.d_step(real, None, late)
    assert "loss_d_adv" in d_logs
    with pytest.raises(ConfigError, match="chargru"):
        build_objective(resolve_config("textgan-words", ["generator={name: charcnn}",
                                                         "objective={name: mle-gan, regularizer: gp}"]),
                        {"name": "words", "shape": (8, 27), "num_classes": 0})


def test_mle_gan_can_train_d_while_g_pretrains():
    cfg = resolve_config("textgan-words", ["generator={name: chargru, width: 16}", "discriminator.width=16",
                                           "discriminator.blocks=1", "objective={name: mle-gan, pretrain_steps: 3, "
                                           "pretrain_d: true, regularizer: gp}"])
    obj = build_objective(cfg, {"name": "words", "shape": (8, 27), "num_classes": 0})
    real = F.one_hot(torch.from_numpy(encode(["word", "words"], letters_vocab(), 8)).long(), 27).float()
    _, d_logs = obj.d_step(real, None, StepContext(0, 0, 0.0))
    _, g_logs = obj.g_step(real, None, StepContext(0, 0, 0.0))
    assert "loss_d_adv" in d_logs and set(g_logs) == {"loss_mle"}
