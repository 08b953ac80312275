"""A loopback SMTP server for the cluster test: each accepted message becomes a file.

While the file `<maildir>/.hold` exists, the end of DATA is answered only after it is removed, so
the test can kill a worker in the middle of sending; a message whose connection dropped before
"250" is discarded, as a real server would.
"""

from __future__ import annotations

import asyncio
import sys
import uuid
from pathlib import Path


async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, maildir: Path) -> None:
    def say(line: str) -> None:
        writer.write((line + "\r\n").encode())

    say("220 sink ESMTP")
    await writer.drain()
    try:
        while True:
            raw = await reader.readline()
            if not raw:
                return
            verb = raw.decode(errors="replace").strip().split(" ", 1)[0].upper()
            if verb in {"EHLO", "HELO"}:
                say("250 sink")
            elif verb in {"MAIL", "RCPT", "RSET", "NOOP"}:
                say("250 ok")
            elif verb == "DATA":
                say("354 go on")
                await writer.drain()
                lines = []
                while True:
                    line = await reader.readline()
                    if not line:
                        return  # dropped mid-message: nothing is delivered
                    if line in {b".\r\n", b".\n"}:
                        break
                    lines.append(line)
                while (maildir / ".hold").exists():
                    await asyncio.sleep(0.2)
                    if reader.at_eof():
                        return
                (maildir / f"{uuid.uuid4().hex}.eml").write_bytes(b"".join(lines))
                say("250 queued")
            elif verb == "QUIT":
                say("221 bye")
                await writer.drain()
                return
            else:
                say("502 not here")
            await writer.drain()
    except ConnectionError:
        return
    finally:
        writer.close()


async def main(port: int, maildir: Path) -> None:
    maildir.mkdir(parents=True, exist_ok=True)
    server = await asyncio.start_server(
        lambda r, w: serve(r, w, maildir), host="127.0.0.1", port=port
    )
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]), Path(sys.argv[2])))
