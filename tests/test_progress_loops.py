"""The long loops over documents show a progress bar when bars are on (issue 10, item 2):
loading a corpus and finding actors in every document; none when bars are off."""

from __future__ import annotations

import pytest

from corpus_utils import actors, corpus


@pytest.mark.parametrize("flag, shown", [("1", True), ("0", False)])
def test_loading_and_actor_loops_show_a_bar_when_on(monkeypatch, capsys, flag, shown):
    monkeypatch.setenv("CORPUS_UTILS_PROGRESS", flag)
    docs = corpus.load_corpus()
    err = capsys.readouterr().err
    assert ("loading" in err and "/5 " in err) is shown
    mentions = actors.corpus_mentions(docs)
    err = capsys.readouterr().err
    assert ("actors" in err and "/5 " in err) is shown
    assert len(mentions) > 0
