"""A second gateway process beside the test stack's, on the same backends, with settings of its own."""

from __future__ import annotations

import asyncio
import contextlib
import sys
from collections.abc import AsyncIterator

import httpx

from deploy.local.stack import Stack, free_port


@contextlib.asynccontextmanager
async def extra_gateway(stack: Stack, name: str, settings: dict[str, str]) -> AsyncIterator[str]:
    """Its base URL once `/readyz` says 200; `settings` (C360_* variables) override the stack's environment."""
    port = free_port()
    with (stack.config.log_dir / f"{name}.log").open("ab") as log:
        process = await asyncio.create_subprocess_exec(
            *(sys.executable, "-m", "gateway"),
            env={**stack.config.environment(), **settings, "C360_GATEWAY_PORT": str(port)},
            stdout=log,
            stderr=asyncio.subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        async with httpx.AsyncClient(base_url=url) as http:
            for _ in range(150):
                assert process.returncode is None, stack.log_tail(name)
                try:
                    if (await http.get("/readyz")).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                await asyncio.sleep(0.2)
        yield url
    finally:
        process.terminate()
        await asyncio.wait_for(process.wait(), 15)
