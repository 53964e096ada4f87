"""A browser-less Streamlit client for load benches: it speaks the websocket protocol the
frontend speaks (BackMsg / ForwardMsg protobufs on ``/_stcore/stream``), so a bench
measures the server alone, not 30 browsers on two cores.

It knows just enough of the app: the stepping bar (a Step is its log of clicks grown by
one, as ``ui/stepping_bar.js`` sends it), Streamlit buttons (a trigger on the widget id,
rerunning its fragment), a keyed expander opened, a radio's choice, the fragments the
server asks the browser to rerun on a timer, and the live view's events (Play, then "want"
requests for more frames, as ``ui/live/wire.js`` sends them). Loopback only.
"""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import websockets
from streamlit.components.v2.bidi_component.main import _make_trigger_id
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from viz.wire import unpack

FRAME_RATE_CAP = 60.0  # the browser shows at most one frame per animation frame


@dataclass
class RunResult:
    """One script run as the client saw it."""

    seconds: float  # request sent -> script_finished
    frames: int  # live-view frames received in it
    step: int | None  # the step its first frame shows
    playing: bool


@dataclass
class Session:
    """One simulated browser tab on one websocket."""

    url: str
    query: str = ""  # the page's query string (a share link's settings)
    ws: websockets.ClientConnection | None = None
    page_hash: str = ""
    ids: dict[str, str] = field(default_factory=dict)  # widget key -> widget id
    fragments: dict[str, str] = field(default_factory=dict)  # widget key -> fragment id
    bytes_in: int = 0
    frames_in: int = 0
    errors: list[str] = field(default_factory=list)
    last_header: dict | None = None
    cookie: str | None = None  # the balancer's sticky cookie, if any
    components: dict[str, tuple[str, str]] = field(default_factory=dict)  # name -> (id, fragment)
    widgets: dict[str, str] = field(default_factory=dict)  # key -> id: expanders, radios
    texts: list[str] = field(default_factory=list)  # the last run's Markdown
    alerts: list[str] = field(default_factory=list)  # the last run's st.success/error/...
    auto_reruns: dict[str, float] = field(default_factory=dict)  # fragment -> seconds
    bar_log: dict = field(default_factory=lambda: {"id": "proto", "seq": 0, "items": []})

    async def connect(self) -> RunResult:
        parts = urlsplit(self.url)
        ws_url = f"ws://{parts.netloc}{parts.path.rstrip('/')}/_stcore/stream"
        headers = {"Origin": f"http://{parts.netloc}"}
        self.ws = await websockets.connect(ws_url, subprotocols=["streamlit"],
                                           additional_headers=headers, max_size=2 ** 26,
                                           open_timeout=30, ping_interval=None)
        cookie = self.ws.response.headers.get("Set-Cookie") if self.ws.response else None
        self.cookie = cookie.split(";", 1)[0] if cookie else None
        return await self.rerun()

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()

    def _message(self, widgets: list | None = None, fragment: str = "") -> bytes:
        msg = BackMsg()
        state = msg.rerun_script
        state.query_string = self.query
        state.page_script_hash = self.page_hash
        state.fragment_id = fragment
        for widget in widgets or []:
            state.widget_states.widgets.append(widget)
        return msg.SerializeToString()

    async def rerun(self, widgets: list | None = None, fragment: str = "",
                    timeout: float = 60.0) -> RunResult:
        """Send a rerun request and read until that run has finished."""
        start = time.perf_counter()
        await self.ws.send(self._message(widgets, fragment))
        frames, first_step, playing = 0, None, False
        if not fragment:  # a whole run: the page drawn anew, its fragments asked for anew
            self.texts, self.alerts, self.auto_reruns = [], [], {}
        while True:
            raw = await asyncio.wait_for(self.ws.recv(), timeout)
            self.bytes_in += len(raw)
            msg = ForwardMsg()
            msg.ParseFromString(raw)
            kind = msg.WhichOneof("type")
            if kind == "new_session":
                self.page_hash = msg.new_session.page_script_hash or self.page_hash
                if not msg.metadata.run.fragment_ids:  # a whole run (also one a
                    # fragment asked for with st.rerun(scope="app")): the page anew
                    self.texts, self.alerts, self.auto_reruns = [], [], {}
            elif kind == "navigation":  # the page st.navigation runs: reruns must name it
                self.page_hash = msg.navigation.page_script_hash or self.page_hash
            elif kind == "auto_rerun":  # a fragment the browser reruns every interval
                self.auto_reruns[msg.auto_rerun.fragment_id] = msg.auto_rerun.interval
            elif kind == "stop_auto_rerun":
                self.auto_reruns.clear()
            elif kind == "delta":
                got = self._delta(msg.delta)
                if got is not None:
                    frames += got[0]
                    first_step = got[1] if first_step is None else first_step
                    playing = playing or got[2]
            elif kind == "script_finished":
                if msg.script_finished == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    continue  # e.g. st.rerun(scope="app") after Play: its run follows
                self.frames_in += frames
                return RunResult(time.perf_counter() - start, frames, first_step, playing)

    def _delta(self, delta) -> tuple[int, int | None, bool] | None:
        """Remember widget ids; unpack a live-view packet: (frames, first step, playing)."""
        if delta.WhichOneof("type") == "add_block":
            block = delta.add_block
            if block.WhichOneof("type") == "expandable" and block.expandable.id:
                self.widgets[block.expandable.id.rsplit("-", 1)[-1]] = block.expandable.id
            return None
        if delta.WhichOneof("type") != "new_element":
            return None
        el = delta.new_element
        kind = el.WhichOneof("type")
        if kind == "button":
            key = el.button.id.rsplit("-", 1)[-1]
            self.ids[key], self.fragments[key] = el.button.id, delta.fragment_id
        elif kind == "radio":
            self.widgets[el.radio.id.rsplit("-", 1)[-1]] = el.radio.id
        elif kind == "markdown":
            self.texts.append(el.markdown.body)
        elif kind == "alert":
            self.alerts.append(el.alert.body)
        elif kind == "exception":
            self.errors.append(el.exception.message)
        elif kind == "bidi_component":
            comp = el.bidi_component
            self.components[comp.component_name] = (comp.id, delta.fragment_id)
            if not comp.component_name.endswith("backprop_live_view"):
                return None
            self.ids["live"], self.fragments["live"] = comp.id, delta.fragment_id
            if comp.WhichOneof("data") == "bytes":
                header, _ = unpack(comp.bytes)
                self.last_header = header
                frames = header.get("frames") or []
                return (len(frames), frames[0]["step"] if frames else None,
                        bool(header.get("playing")))
        return None

    # --- what a user does ----------------------------------------------------------------
    def _button(self, key: str):
        from streamlit.proto.WidgetStates_pb2 import WidgetState

        return WidgetState(id=self.ids[key], trigger_value=True)

    def _event(self, name: str, value) -> list:
        """The view's event, as the frontend sends it: the trigger aggregator's payloads."""
        from streamlit.proto.WidgetStates_pb2 import WidgetState

        aggregator = _make_trigger_id(self.ids["live"], "events")
        return [WidgetState(id=aggregator,
                            json_trigger_value=json.dumps([{"event": name, "value": value}]))]

    async def click(self, key: str) -> RunResult:
        """Click a Streamlit button (e.g. ``b_step``): reruns the fragment it lives in."""
        return await self.rerun([self._button(key)], self.fragments.get(key, ""))

    async def step(self, kind: str = "step") -> RunResult:
        """A click on the stepping bar: its log of clicks, grown by one (ui/stepping_bar.js)."""
        from streamlit.proto.WidgetStates_pb2 import WidgetState

        log = self.bar_log
        log["seq"] += 1
        log["items"] = [*log["items"][-20:], [log["seq"], kind, None]]
        bar_id, fragment = self.components["backprop_stepping_bar"]
        state = WidgetState(id=bar_id, json_value=json.dumps({"log": {
            "id": log["id"], "items": log["items"]}}))
        return await self.rerun([state], fragment)

    async def open_expander(self, key: str) -> RunResult:
        from streamlit.proto.WidgetStates_pb2 import WidgetState

        return await self.rerun([WidgetState(id=self.widgets[key], bool_value=True)])

    async def click_with(self, key: str, widgets: list) -> RunResult:
        """Click a button with other widgets' values, as the browser sends them together."""
        return await self.rerun([*widgets, self._button(key)], self.fragments.get(key, ""))

    def choice(self, key: str, option: str):
        """A radio's value (the option's text), for ``click_with``."""
        from streamlit.proto.WidgetStates_pb2 import WidgetState

        return WidgetState(id=self.widgets[key], string_value=option)

    async def auto_rerun(self) -> RunResult | None:
        """What the browser's timer does: rerun the first fragment that asks for it."""
        if not self.auto_reruns:
            return None
        return await self.rerun(fragment=list(self.auto_reruns)[-1])  # the latest run's

    async def play(self, play_id: int) -> RunResult:
        return await self.rerun(self._event("play", {"id": play_id}), self.fragments["live"])

    async def want(self, play_id: int, n: int, seq: int) -> RunResult:
        return await self.rerun(self._event("want", {"id": play_id, "n": n, "seq": seq}),
                                self.fragments["live"])

    async def pause(self, play_id: int, step: int) -> RunResult:
        return await self.rerun(self._event("pause", {"id": play_id, "step": step}),
                                self.fragments["live"])


async def play_for(session: Session, seconds: float, play_id: int = 7) -> dict:
    """Play as the browser does: ask for more frames while the shown ones last, show at
    most 60 a second; returns frames shown per second and bytes per frame."""
    start_bytes, start_frames = session.bytes_in, session.frames_in
    await session.play(play_id)
    t0 = time.perf_counter()
    shown, queue, last_shown, seq, batch_seconds = 0, 0, t0, 0, []
    while time.perf_counter() - t0 < seconds:
        seq += 1
        run = await session.want(play_id, 30, seq)
        batch_seconds.append(run.seconds)
        if run.frames and not run.playing:
            break  # stopped (diverged, or a link's target reached)
        queue += run.frames
        now = time.perf_counter()
        can_show = int((now - last_shown) * FRAME_RATE_CAP)
        took = min(queue, can_show)
        shown, queue = shown + took, queue - took
        if took:
            last_shown = now
    elapsed = time.perf_counter() - t0
    shown += min(queue, int((time.perf_counter() - last_shown) * FRAME_RATE_CAP))
    frames = max(session.frames_in - start_frames, 1)
    return {"fps": shown / elapsed, "bytes_per_frame": (session.bytes_in - start_bytes)
            / frames, "frames_per_batch": frames / max(seq, 1),
            "batch_seconds": sum(batch_seconds) / max(len(batch_seconds), 1)}
