"""Tables for the terminal and for Markdown, and the list of missed targets."""

import time


class Report:
    def __init__(self, out, *, advisory: bool):
        self.out = out
        self.advisory = advisory
        self.misses: list[str] = []
        self.sections: list[str] = []
        self.started = time.monotonic()

    def say(self, text: str) -> None:
        print(text, file=self.out, flush=True)

    def step(self, text: str) -> None:
        """A progress line, with the seconds since the start of the run."""
        self.say(f"[{time.monotonic() - self.started:5.0f} s] {text}")

    def miss(self, message: str, *, timing: bool = False) -> None:
        if timing and self.advisory:
            self.say(f"(tiempo, informativo) {message}")
            return
        self.misses.append(message)

    def table(self, title: str, header: list[str], rows: list[list[str]], note=""):
        widths = [
            max(len(cell) for cell in column)
            for column in zip(header, *rows, strict=True)
        ]
        lines = [f"\n{title}"]
        for cells in [header, ["-" * w for w in widths], *rows]:
            lines.append(
                "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True))
            )
        if note:
            lines.append(note)
        self.say("\n".join(lines))
        markdown = [f"### {title}", "", "| " + " | ".join(header) + " |"]
        markdown.append("|" + "|".join("---" for _ in header) + "|")
        markdown += ["| " + " | ".join(row) + " |" for row in rows]
        if note:
            markdown += ["", note]
        self.sections.append("\n".join(markdown))

    def markdown(self) -> str:
        return "\n\n".join(self.sections) + "\n"


def ms(value: float) -> str:
    return f"{value:.0f}" if value >= 10 else f"{value:.1f}"
