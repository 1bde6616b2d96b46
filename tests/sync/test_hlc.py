import pytest

from sync.hlc import HLC, Clock, InvalidHLC, clamp


class FakeWallClock:
    """A wall clock a test can move, backwards too."""

    def __init__(self, now: int) -> None:
        self.now = now

    def __call__(self) -> int:
        return self.now


def test_parse_and_format_round_trip():
    text = "1764430000000:7:9b2e6c1a-device"
    hlc = HLC.parse(text)
    assert hlc == HLC(1764430000000, 7, "9b2e6c1a-device")
    assert str(hlc) == text


def test_node_containing_colons_round_trips():
    hlc = HLC.parse("5:0:host:port:1")
    assert hlc.node == "host:port:1"
    assert HLC.parse(str(hlc)) == hlc


def test_parse_accepts_an_hlc():
    hlc = HLC(1, 2, "a")
    assert HLC.parse(hlc) is hlc


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "three parts"),
        ("1:2", "three parts"),
        ("1:2:", "node"),
        ("x:2:node", "wall_ms must be a non-negative integer"),
        ("1:y:node", "counter must be a non-negative integer"),
        ("-1:0:node", "wall_ms must be a non-negative integer"),
        ("1:-5:node", "counter must be a non-negative integer"),
        ("+1:0:node", "wall_ms"),
        (" 1:0:node", "wall_ms"),
        ("1_000:0:node", "wall_ms"),
        ("1.5:0:node", "wall_ms"),
        ("١:0:node", "wall_ms"),
        ("99999999999999999999:0:node", "too large"),
        ("9223372036854775808:0:node", "between 0 and"),
    ],
)
def test_parse_rejects_malformed(text, message):
    with pytest.raises(InvalidHLC, match=message):
        HLC.parse(text)


@pytest.mark.parametrize("value", [None, 17, b"1:0:n", ["1", "0", "n"]])
def test_parse_rejects_non_strings(value):
    with pytest.raises(InvalidHLC, match="must be a string"):
        HLC.parse(value)


def test_invalid_hlc_is_a_value_error():
    assert issubclass(InvalidHLC, ValueError)


@pytest.mark.parametrize("args", [(-1, 0, "n"), (0, -1, "n"), (0, 0, ""), (True, 0, "n"), (1.0, 0, "n")])
def test_constructor_validates(args):
    with pytest.raises(InvalidHLC):
        HLC(*args)


def test_ordering_is_wall_then_counter_then_node():
    ordered = [
        HLC(1, 5, "z"),
        HLC(2, 0, "b"),
        HLC(2, 1, "a"),
        HLC(2, 1, "b"),
        HLC(10, 0, "a"),
    ]
    assert sorted(reversed(ordered)) == ordered
    # Numeric, not textual: "10" sorts before "2" as text.
    assert HLC.parse("10:0:a") > HLC.parse("2:0:a")
    assert HLC.parse("1:10:a") > HLC.parse("1:9:a")


def test_tick_follows_the_wall_clock():
    wall = FakeWallClock(1000)
    clock = Clock("dev", now_ms=wall)
    assert clock.tick() == HLC(1000, 0, "dev")
    wall.now = 1500
    assert clock.tick() == HLC(1500, 0, "dev")


def test_tick_counts_when_the_wall_clock_stalls():
    clock = Clock("dev", now_ms=FakeWallClock(1000))
    assert [clock.tick() for _ in range(3)] == [
        HLC(1000, 0, "dev"),
        HLC(1000, 1, "dev"),
        HLC(1000, 2, "dev"),
    ]


def test_tick_is_monotonic_when_the_wall_clock_goes_back():
    wall = FakeWallClock(5000)
    clock = Clock("dev", now_ms=wall)
    seen = [clock.tick()]
    for now in (4000, 100, 4999, 5000, 5001, 3000):
        wall.now = now
        seen.append(clock.tick())
    assert seen == sorted(seen)
    assert len(set(seen)) == len(seen)
    assert seen[-2] == HLC(5001, 0, "dev")
    assert seen[-1] == HLC(5001, 1, "dev")


def test_clock_resumes_from_last():
    clock = Clock("dev", now_ms=FakeWallClock(10), last=HLC(500, 3, "dev"))
    assert clock.tick() == HLC(500, 4, "dev")


def test_clock_rejects_an_empty_node():
    with pytest.raises(InvalidHLC):
        Clock("")


def test_receive_from_the_future_jumps_ahead():
    clock = Clock("dev", now_ms=FakeWallClock(1000))
    assert clock.receive(HLC(9000, 4, "other")) == HLC(9000, 5, "dev")
    # The next local event orders after what was received, although the wall says 1000.
    assert clock.tick() == HLC(9000, 6, "dev")


def test_receive_from_the_past_uses_the_wall_clock():
    clock = Clock("dev", now_ms=FakeWallClock(1000))
    assert clock.receive(HLC(10, 99, "other")) == HLC(1000, 0, "dev")


def test_receive_with_equal_walls_takes_the_larger_counter():
    wall = FakeWallClock(1000)
    clock = Clock("dev", now_ms=wall)
    clock.tick()
    clock.tick()  # (1000, 1)
    assert clock.receive(HLC(1000, 7, "other")) == HLC(1000, 8, "dev")
    assert clock.receive(HLC(1000, 2, "other")) == HLC(1000, 9, "dev")


def test_receive_keeps_the_local_wall_when_it_is_ahead():
    wall = FakeWallClock(5000)
    clock = Clock("dev", now_ms=wall)
    clock.tick()
    wall.now = 10
    assert clock.receive(HLC(3000, 50, "other")) == HLC(5000, 1, "dev")


def test_received_events_order_after_the_remote_event():
    wall = FakeWallClock(100)
    a, b = Clock("a", now_ms=wall), Clock("b", now_ms=FakeWallClock(50))
    sent = a.tick()
    assert b.receive(sent) > sent
    assert b.tick() > sent


def test_clamp_leaves_an_hlc_within_the_skew():
    hlc = HLC(1_000 + 300_000, 2, "dev")
    assert clamp(hlc, server_now_ms=1_000, max_skew_ms=300_000) == (hlc, False)
    past = HLC(5, 0, "dev")
    assert clamp(past, server_now_ms=1_000, max_skew_ms=0) == (past, False)


def test_clamp_pulls_a_future_hlc_back_to_the_server_now():
    hlc = HLC(1_000 + 300_001, 2, "dev")
    assert clamp(hlc, server_now_ms=1_000, max_skew_ms=300_000) == (HLC(1_000, 2, "dev"), True)
