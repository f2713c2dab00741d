"""What the widget needs to know of its host: the kernel's loop, marimo, threads, display."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, cast

import anywidget

__all__ = [
    "HostedWidget",
    "display_with_table",
    "is_marimo_comm",
    "kernel_loop",
    "sends_from_threads",
]

logger = logging.getLogger("sweepwalk")


def kernel_loop(comm: Any) -> Any:
    """Return the event loop of ``comm``'s kernel (ipykernel's ``io_loop``), or None."""
    return getattr(getattr(comm, "kernel", None), "io_loop", None)


def is_marimo_comm(comm: Any) -> bool:
    """Whether ``comm`` is marimo's (``marimo._plugins.ui._impl.comm.MarimoComm``)."""
    return comm is not None and type(comm).__module__.startswith("marimo.")


def sends_from_threads(comm: Any) -> bool:
    """Whether messages of ``comm`` may be sent from a worker thread.

    ipykernel publishes comm messages through its IOPub thread, which takes messages from any
    thread (ipykernel >= 4.3 dropped its thread check for comm sends; 7.x resolves a thread's
    parent header from the shell's context). Other hosts run a job in the handler, with the
    same messages (so no cancel can arrive in time): marimo's comm (0.25) binds the session
    stream it was opened in so that a thread may send, but no test here drives marimo from a
    thread, so the thread is kept to the host that is tested. Plain Python (no kernel: the
    comm is the ``comm`` package's dummy) uses the thread, as the tests do.
    """
    if comm is None:
        return True
    module = type(comm).__module__.split(".")[0]
    return module in ("ipykernel", "comm")  # ipykernel's comm, or the no-kernel dummy


def display_with_table(bundle: Any, table: Callable[[], str]) -> None:
    """Display a widget's mime ``bundle``, then ``table()`` in an output of its own.

    A reader without a widget manager sees the table where the widget was: nbconvert's HTML
    (``--execute`` stores the widget state, and nbconvert then writes only the widget
    placeholder for the view's output, which shows nothing offline), GitHub, a notebook
    reopened without its kernel. The table is the view as it was when the cell ran. A page that
    renders the widget hides it: the widget's stylesheet hides ``.sweepwalk-fallback``.
    """
    from IPython.display import display as untyped

    display = cast(Callable[..., None], untyped)
    if bundle is None:
        return
    data, metadata = bundle
    display(data, metadata=metadata, raw=True)
    try:
        html = table()
    except Exception:  # the widget still shows (and says why) when the results cannot
        logger.warning("sweepwalk: no static table for this view", exc_info=True)
        return
    display({"text/html": f'<div class="sweepwalk-fallback">{html}</div>'}, raw=True)


class HostedWidget(anywidget.AnyWidget):
    """An anywidget whose state reads right in every host: a reload, marimo, an HTML export.

    ``_user_state`` names the traits marimo's ``mo.ui.anywidget(w).value`` holds.
    """

    _user_state: tuple[str, ...] = ()
    _embedding = False

    def get_state(
        self, key: str | list[str] | None = None, drop_defaults: bool = False
    ) -> dict[str, Any]:
        """Return the state of ``key``; without one, of every synced trait (but in marimo).

        ipywidgets answers a frontend's ``request_states`` (a page reload with the kernel
        running, Voilà, a reopened notebook) with ``get_state()``: it must carry everything the
        frontend needs to rebuild the view. marimo reads ``mo.ui.anywidget(w).value`` from the
        same ``get_state()`` and never asks it for the frontend's state once the comm is open,
        so on a marimo comm ``key=None`` means the user-facing state (``_user_state``).
        """
        if key is None and is_marimo_comm(self.comm) and not self._embedding:
            key = list(self._user_state)
        return dict(super().get_state(key=key, drop_defaults=drop_defaults))

    def _get_embed_state(self, drop_defaults: bool = False) -> dict[str, Any]:
        # ipywidgets.embed (embed_minimal_html, ...) saves the whole state for the HTML manager
        self._embedding = True
        try:
            return dict(super()._get_embed_state(drop_defaults=drop_defaults))
        finally:
            self._embedding = False

    def send_state(self, key: str | list[str] | None = None) -> None:
        """Send the state of ``key`` to the frontend; without one, every synced trait."""
        super().send_state(key=list(self.keys) if key is None else key)
