"""Deploys UPGRADE_CHAOS_BUNDLE's charms exactly as named, with python-libjuju's model.deploy (as a
user's script does: no renaming), and waits until the applications exist. Exits 1 with the
library's error on one line when a deploy is refused (python-libjuju 3.x refuses `cs:` charms)."""
import asyncio
import json
import os
import sys
from urllib.parse import urlparse

from juju.model import Model


async def main():
    url = urlparse(os.environ["UPGRADE_CHAOS_API_URL"])
    bundle = json.loads(os.environ["UPGRADE_CHAOS_BUNDLE"])
    model = Model()
    await model.connect(
        endpoint=url.netloc,
        uuid=url.path.split("/")[2],
        username=os.environ["UPGRADE_CHAOS_USERNAME"],
        password=os.environ["UPGRADE_CHAOS_PASSWORD"],
        cacert=os.environ["UPGRADE_CHAOS_CA_CERT"],
    )
    try:
        for name, spec in bundle["applications"].items():
            await model.deploy(spec["charm"], application_name=name, num_units=spec["num_units"])
            print(f"deployed {name} from {spec['charm']}", flush=True)
    finally:
        await model.disconnect()


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except Exception as e:
        print(f"deployment failed: {e!r}", file=sys.stderr)
        sys.exit(1)
