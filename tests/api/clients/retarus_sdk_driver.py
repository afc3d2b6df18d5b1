"""Runs in the official Retarus SDK's own environment (``retarus-sms`` 1.0.1 with pydantic 1): every call
of its SMS client against the console's served API, the answers printed as one JSON object.

Usage: python retarus_sdk_driver.py BASE_URL USER PASSWORD
The SDK is used as its users write it; only its data-centre address list points at the console.
"""

import asyncio
import json
import sys

from retarus.commons.config import Configuration
from retarus.commons.exceptions import ApiAuthorizationError
from retarus.commons.region import Region, RegionUri
from retarus.sms._async import AsyncSmsClient
from retarus.sms.model import JobReport, Messages, Options, Recipient, SmsJob


async def main(base: str, user: str, password: str) -> dict:
    Configuration.set_region(Region.Europe)
    client = AsyncSmsClient([RegionUri(region=Region.Europe, ha_uri=base, urls=[base])])
    out: dict = {}
    Configuration.set_auth(user, "wrong-" + password)
    try:
        await client.server_version()
        out["wrong_password"] = "accepted"
    except ApiAuthorizationError:
        out["wrong_password"] = "ApiAuthorizationError"
    Configuration.set_auth(user, password)
    out["version"] = await client.server_version()
    minimal = await client.send_sms(SmsJob.minimal("+4917600000001", "Hello from the SDK"))
    options = Options(src="SDKTest", encoding="STANDARD", billcode="B-1", statusRequested=True, flash=False,
                      customerRef="SDK-JOB-1", validityMin=60, maxParts=3, invalidCharacters="REPLACE",
                      qos="EXPRESS", duplicateDetection=False,
                      blackoutPeriods=["2021-01-01T00:00:00+01:00/2021-01-01T06:00:00+01:00"])
    job = SmsJob(options=options, messages=[Messages(text="Hello with options", recipients=[
        Recipient(dst="+4917600000002", customerRef="R-2"), Recipient(dst="+4917600000003")])])
    full = await client.send_sms(job)
    out["jobs"] = [minimal["jobId"], full["jobId"]]
    out["reports"] = []
    for job_id in out["jobs"]:
        for _ in range(200):  # the SDK's JobReport needs finishedTs: read it once the job is done
            raw = await client.get_sms_job(job_id)
            if "finishedTs" in raw:
                break
            await asyncio.sleep(0.05)
        report = JobReport(**raw)  # the SDK's own model of a report
        out["reports"].append(report.dict())
    listed = await client.filter_sms_jobs(job_ids_only=True, from_ts="2020-01-01T00:00+02:00",
                                          to_ts="2020-01-20T00:00+02:00", open=False, offset=0, limit=100)
    out["filtered_old"] = listed
    out["filtered"] = await client.filter_sms_jobs(job_ids_only=True, open=True, limit=10)
    try:
        out["missing"] = await client.get_sms_job("J.nothing-here")
    except Exception as exc:  # the SDK's own way of saying "not found"
        out["missing"] = type(exc).__name__
    return out


if __name__ == "__main__":
    print(json.dumps(asyncio.run(main(*sys.argv[1:4])), default=str))
