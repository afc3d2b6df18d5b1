"""submit_multi: one text to several destinations, answered with one message_id and the destinations that
could not be taken.

Each SME address becomes a message of its own, queued like a submit_sm. The first destination's message
has the submission's message_id as its id, and every one of them has it as its customer reference: their
receipts carry that id, cancel_sm and replace_sm by it find them all, query_sm answers for them together
(final when every one is final). Each destination counts against the user's ``[smpp] throughput``.
A distribution list (dest_flag 2) is not something the console keeps: it is named in unsuccess_sme with ESME_RINVDLNAME, as is a destination
that is not a number (ESME_RINVDSTADR) or that the queue refuses (an opted-out number). When no
destination is taken the submit_multi is refused whole. A long text comes whole in message_payload; parts
of one (UDH or sar_*) are refused with ESME_RINVESMCLASS.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from typing import TYPE_CHECKING

from app.engine.ids import new_message_uid

from . import pdu as P
from .store_ops import job_options
from .submit import _request, check_destination, refusal_status, throttled
from .text import TextError

if TYPE_CHECKING:
    from .bind import SmppBind

log = logging.getLogger(__name__)

#: Destinations of one submit_multi (SMPP 3.4 §5.2.24).
MAX_DESTINATIONS = 254


def _address(dest: P.MultiDest) -> str:
    addr = dest.address.strip()
    return "+" + addr if dest.ton == 1 and addr and not addr.startswith("+") else addr


async def handle_multi(bind: "SmppBind", pdu: P.Pdu) -> None:
    dests: list[P.MultiDest] = pdu.get("dest_addresses", [])
    if not 1 <= len(dests) <= MAX_DESTINATIONS:
        return bind.refuse(pdu, P.ESME_RINVNUMDESTS, f"{len(dests)} destinations (1 to {MAX_DESTINATIONS})")
    unsuccess: list[P.Unsuccess] = []
    wanted: list[tuple[P.MultiDest, str]] = []
    for dest in dests:
        if dest.flag == P.DISTRIBUTION_LIST:
            unsuccess.append(P.Unsuccess(dest.address, P.ESME_RINVDLNAME))
            continue
        try:
            check_destination(bind, _address(dest))
        except TextError as exc:
            unsuccess.append(P.Unsuccess(dest.address, exc.status, dest.ton, dest.npi))
            continue
        wanted.append((dest, _address(dest)))
    if not wanted:
        return bind.refuse(pdu, P.ESME_RINVDSTADR, "no destination can be sent to: "
                           + ", ".join(f"{u.address!r} {P.status_name(u.status)}" for u in unsuccess))
    try:
        request, segment = _request(bind, pdu, wanted[0][1])
    except TextError as exc:
        return bind.refuse(pdu, exc.status, exc.reason)
    if segment is not None:
        return bind.refuse(pdu, P.ESME_RINVESMCLASS, "a part of a long message in submit_multi: send the text "
                           "whole in message_payload")
    if throttled(bind, pdu, len(wanted)):  # each destination is a message
        return
    uid = new_message_uid()
    options = job_options(pdu.get("registered_delivery", 0), pdu.get("data_coding", 0))
    batcher = bind.server.batcher
    futures = [batcher.queue(bind.user, dataclasses.replace(request, recipients=[address], customer_ref=uid,
                                                            uid=uid if n == 0 else None), options)
               for n, (_dest, address) in enumerate(wanted)]
    items = await asyncio.gather(*futures)
    for (dest, _address_), item in zip(wanted, items):
        if item.message is None:
            unsuccess.append(P.Unsuccess(dest.address, refusal_status(item.code), dest.ton, dest.npi))
    if len(unsuccess) == len(dests):
        return bind.refuse(pdu, refusal_status(items[0].code), f"every destination refused: {items[0].error}")
    if unsuccess:
        log.info("SMPP %s (%s): submit_multi %s: %d of %d destinations refused", bind.address, bind.user, uid,
                 len(unsuccess), len(dests))
    bind.send(P.response(pdu, message_id=uid, unsuccess_sme=unsuccess))
