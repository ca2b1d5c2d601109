"""regionopt serve: a free port bound, a taken one named, the page's address printed."""

from __future__ import annotations

import pytest


def test_serve_binds_a_free_port_and_says_when_one_is_taken() -> None:
    from regionopt.cli.serve import bind, page_url
    from regionopt.errors import InputError

    first = bind("127.0.0.1", 0)
    try:
        port = first.getsockname()[1]
        assert port > 0
        with pytest.raises(InputError, match="choose another --port"):
            bind("127.0.0.1", port)
    finally:
        first.close()
    assert page_url("127.0.0.1", 8765, None) == "http://127.0.0.1:8765/"
    assert page_url("::1", 8765, "abc") == "http://[::1]:8765/?token=abc"
