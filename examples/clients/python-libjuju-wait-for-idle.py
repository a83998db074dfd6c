#!/usr/bin/env python3
"""A deployment script as careful charm teams write them with python-libjuju: connect, deploy,
then wait_for_idle, trying again while the deadline allows when the wait fails.

It differs from scenarios/clients/python-libjuju-deploy.py in how it waits: `Model.wait_for_idle`
(the library's own "is the deployment done" loop, as pytest-operator uses it) polls
Client.FullStatus twice a second and reads the units the AllWatcher delivered, and wants every
unit's agent `idle` and workload `active` for `idle_period` seconds. When the wait fails (the
connection dropped under it), the script waits a little and waits again, leaving the reconnecting
to the library, which says it reconnects by itself. Nothing in it knows about upgrades.

  export UPGRADE_CHAOS_PYTHON=/usr/bin/python3 PYTHONPATH=/path/to/python-libjuju
  npx upgrade-chaos run --target process --scenario python-libjuju-3.6 \
    --client-cmd "/usr/bin/python3 examples/clients/python-libjuju-wait-for-idle.py" --runs 50 --seed 1

Reads the variables the harness sets (UPGRADE_CHAOS_API_URL, _USERNAME, _PASSWORD, _CA_CERT,
_BUNDLE, _VIEW_FILE, _DEADLINE_MS) and exits 0 once wait_for_idle returned.
"""
import asyncio
import json
import os
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

from juju.model import Model

CHARM_DIR = Path(__file__).resolve().parents[2] / "scenarios" / "clients" / "charms" / "hello"
# Short enough for the harness's 90 s deployment deadline, long enough to see a hook start.
IDLE_PERIOD_S = 5
RETRY_PAUSE_S = 5


def describe(error):
    try:
        return f"{type(error).__name__}: {error}"
    except Exception:  # websockets.ConnectionClosed(1006, 'no reason') cannot print itself
        return type(error).__name__


async def wait_until_idle(model, apps, deadline):
    """wait_for_idle, again after each failure, until the deadline."""
    while True:
        try:
            await model.wait_for_idle(
                apps=apps, status="active", idle_period=IDLE_PERIOD_S, timeout=max(1, deadline - time.monotonic())
            )
            return
        except Exception as e:
            if time.monotonic() + RETRY_PAUSE_S >= deadline:
                raise
            open_now = model.is_connected() and model.connection().is_open
            print(f"wait_for_idle failed ({describe(e)}), connection open: {open_now}; again in {RETRY_PAUSE_S} s", flush=True)
            await asyncio.sleep(RETRY_PAUSE_S)


async def main():
    url = urlparse(os.environ["UPGRADE_CHAOS_API_URL"])
    bundle = json.loads(os.environ["UPGRADE_CHAOS_BUNDLE"])["applications"]
    # A few seconds short of the harness's deadline, so that the script says itself why it failed.
    deadline = time.monotonic() + int(os.environ.get("UPGRADE_CHAOS_DEADLINE_MS", "600000")) / 1000 - 5
    model = Model()
    await model.connect(
        endpoint=url.netloc,
        uuid=url.path.split("/")[2],
        username=os.environ["UPGRADE_CHAOS_USERNAME"],
        password=os.environ["UPGRADE_CHAOS_PASSWORD"],
        cacert=os.environ["UPGRADE_CHAOS_CA_CERT"],
    )
    try:
        for name, spec in bundle.items():
            await model.deploy(str(CHARM_DIR), application_name=name, num_units=spec["num_units"], series="jammy")
            print(f"deployed {name} ({spec['num_units']} units)", flush=True)
        await wait_until_idle(model, list(bundle), deadline)
        print("idle and active", flush=True)
    finally:
        view_file = os.environ.get("UPGRADE_CHAOS_VIEW_FILE")
        if view_file:
            view = {
                name: {"units": {u.name: u.workload_status for u in model.applications[name].units}}
                for name in bundle
                if name in model.applications
            }
            Path(view_file).write_text(json.dumps({"applications": view}))
        await model.disconnect()


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except Exception as e:  # one line on stderr: the harness shows a program's last line
        print(f"deployment failed: {describe(e)}", file=sys.stderr)
        sys.exit(1)
