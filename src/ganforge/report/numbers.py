"""Numbers for people: meaningful digits, value ± spread, durations and counts."""
from __future__ import annotations

import math
from typing import Any, Optional


def _finite(value: Any) -> Optional[float]:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def sig(value: Any, digits: int = 4) -> str:
    """``value`` with ``digits`` significant digits, no exponent for everyday magnitudes:
    868.7064110932171 -> '868.7', 0.0058476 -> '0.005848', 1234567 -> '1,234,567'; non-numbers
    (and NaN/inf logged as strings) come back as text."""
    x = _finite(value)
    if x is None:
        return str(value)
    if x == 0:
        return "0"
    if isinstance(value, int) or x.is_integer():  # counts logged as floats (8.0 modes) read as counts
        return f"{int(round(x)):,}"
    magnitude = math.floor(math.log10(abs(x)))
    if magnitude >= 6 or magnitude < -4:
        return f"{x:.{digits - 1}e}"
    decimals = max(0, digits - 1 - magnitude)
    return f"{x:,.{decimals}f}"


def pm(value: Any, spread: Any) -> str:
    """'42.9 ± 1.8': the spread to two significant digits and the value to the same decimal place.
    A spread below the value's sixth significant digit would print a long run of digits
    (1.0000261 ± 0.0000044), so the value keeps four digits and the spread two: '1.000 ± 4.4e-06'."""
    x, s = _finite(value), _finite(spread)
    if x is None or s is None or s <= 0:
        return sig(value)
    decimals = max(0, 1 - math.floor(math.log10(s)))
    if x != 0 and decimals > 5 - math.floor(math.log10(abs(x))):
        return f"{sig(x)} ± {sig(s, 2)}"
    return f"{x:,.{decimals}f} ± {s:.{decimals}f}"


def duration(seconds: Any) -> str:
    """'48 s', '3 min 12 s', '2 h 05 min'."""
    x = _finite(seconds)
    if x is None:
        return "?"
    if x < 10:
        return f"{x:.1f} s"
    if x < 60:
        return f"{x:.0f} s"
    minutes, secs = divmod(int(round(x)), 60)
    if minutes < 60:
        return f"{minutes} min {secs:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


def count(n: Any) -> str:
    """Thousands separators: 10000 -> '10,000'."""
    x = _finite(n)
    return f"{int(x):,}" if x is not None else str(n)
