"""The registry and the loader, on the demo models and on models that cannot be had."""

from pathlib import Path

import pytest

from ringkas.models.errors import ModelUnavailable, UnknownModel, UnsupportedLanguage
from ringkas.models.loading import load_model
from ringkas.models.registry import lookup, model_spec, translation_key
from ringkas.settings import Settings


def test_unknown_key_lists_the_known_ones() -> None:
    with pytest.raises(UnknownModel) as caught:
        lookup("translate:fr-en")
    assert str(caught.value) == (
        "no model for 'translate:fr-en'; known: brief:en, translate:en-id, translate:id-en"
    )


def test_unsupported_direction() -> None:
    with pytest.raises(UnsupportedLanguage, match="supported: id-en, en-id"):
        translation_key("id", "fr")


def test_defaults_are_the_hub_ids() -> None:
    settings = Settings()
    assert (
        model_spec("translate:id-en", settings.pipeline_options().models)
        == "Helsinki-NLP/opus-mt-id-en"
    )
    assert (
        model_spec("translate:en-id", settings.pipeline_options().models)
        == "Helsinki-NLP/opus-mt-en-id"
    )
    assert (
        model_spec("brief:en", settings.pipeline_options().models)
        == "sshleifer/distilbart-cnn-12-6"
    )


def test_env_overrides_a_model(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RINGKAS_MODEL_TRANSLATE_ID_EN", "/models/id-en")
    assert model_spec("translate:id-en", Settings().pipeline_options().models) == "/models/id-en"


def test_hub_model_not_cached_offline_is_a_clear_error() -> None:
    settings = Settings(hub_offline=True, model_translate_id_en="Helsinki-NLP/opus-mt-id-en")
    with pytest.raises(ModelUnavailable) as caught:
        load_model("translate:id-en", settings.pipeline_options().models)
    message = str(caught.value)
    assert message.startswith(
        "model 'Helsinki-NLP/opus-mt-id-en' for translate:id-en is not available"
    )
    assert "RINGKAS_MODEL_TRANSLATE_ID_EN=/path/to/folder" in message
    assert "ringkas models build-demo" in message


def test_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    settings = Settings(model_brief_en=str(tmp_path / "nope"))
    with pytest.raises(ModelUnavailable, match="that folder does not exist"):
        load_model("brief:en", settings.pipeline_options().models)


def test_folder_without_a_model_is_a_clear_error(tmp_path: Path) -> None:
    settings = Settings(model_brief_en=str(tmp_path))
    with pytest.raises(ModelUnavailable, match="RINGKAS_MODEL_BRIEF_EN"):
        load_model("brief:en", settings.pipeline_options().models)


def test_demo_models_load_through_the_registry(settings: Settings) -> None:
    from transformers import BartForConditionalGeneration, MarianMTModel, MarianTokenizer

    id_en = load_model("translate:id-en", settings.pipeline_options().models)
    assert isinstance(id_en.model, MarianMTModel)
    assert isinstance(id_en.tokenizer, MarianTokenizer)
    assert id_en.is_demo
    assert id_en.max_source_tokens == 128
    assert not id_en.model.training
    assert (
        load_model("translate:id-en", settings.pipeline_options().models) is id_en
    )  # loaded once per process
    brief = load_model("brief:en", settings.pipeline_options().models)
    assert isinstance(brief.model, BartForConditionalGeneration)
    assert brief.is_demo


def test_same_shape_builder_keeps_the_real_configuration(tmp_path: Path) -> None:
    """Builds from a shrunken copy of a real config (the full one is 290 MB)."""
    import json
    import shutil

    from ringkas.models.build import build_same_shape_marian, is_demo_model

    real = Path(__file__).resolve().parents[3] / "shared" / "models" / "opus-mt-id-en"
    if not real.is_dir():
        pytest.fail(f"{real} is missing: the tests need ../shared beside the repository")
    source = tmp_path / "source"
    shutil.copytree(real, source)
    config = json.loads((source / "config.json").read_text())
    config.update(
        encoder_layers=1,
        decoder_layers=1,
        d_model=32,
        encoder_ffn_dim=32,
        decoder_ffn_dim=32,
        encoder_attention_heads=2,
        decoder_attention_heads=2,
    )
    (source / "config.json").write_text(json.dumps(config))

    build_same_shape_marian(source, tmp_path / "out")
    loaded = load_model(
        "translate:id-en",
        Settings(model_translate_id_en=str(tmp_path / "out")).pipeline_options().models,
    )
    assert loaded.model.config.vocab_size == 54796
    assert loaded.model.config.max_position_embeddings == 512
    assert loaded.tokenizer.vocab_size == 54796
    assert is_demo_model(tmp_path / "out")
