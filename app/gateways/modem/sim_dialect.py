"""The AT dialect of the modem simulator: what it answers to each command.

:class:`SimModem` holds the simulated device (SIM lock, storage, settings,
sent messages) and turns command lines into answer lines. It does no I/O:
:class:`~app.gateways.modem.simulator.ModemSimulator` carries the bytes over a
pseudo-terminal. Answers follow 3GPP TS 27.007 / 27.005 as the modem family
of :attr:`SimOptions.profile` implements them (its
:class:`~app.gateways.modem.profiles.Behaviour`: identity, accepted ``AT+CNMI``
values, storages and their first index, ``AT+CMGL`` format, answers without a
final result, errors in words, the answer to an unknown command).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from app.sms.errors import PduError
from app.sms.pdu import Submit, decode

from .profiles import Behaviour
from .profiles import get as get_profile
from .sim_pdus import tpdu_length

#: CME errors by number, for the verbose form (AT+CMEE=2).
CME_TEXT = {3: "operation not allowed", 4: "operation not supported", 10: "SIM not inserted",
            11: "SIM PIN required", 12: "SIM PUK required", 13: "SIM failure", 14: "SIM busy",
            16: "incorrect password", 21: "invalid index", 30: "no network service", 100: "unknown",
            515: "Please wait, init or command processing in progress."}
STAT_NAMES = {0: "REC UNREAD", 1: "REC READ", 2: "STO UNSENT", 3: "STO SENT"}
#: What AT+CLAC lists.
SUPPORTED = ("+CGMI", "+CGMM", "+CGMR", "+CGSN", "+CIMI", "+CSQ", "+CREG", "+COPS", "+CPIN", "+CMEE", "+CMGF",
             "+CNMI", "+CPMS", "+CSMS", "+CNMA", "+CSCA", "+CSCS", "+CSMP", "+CMGS", "+CMGR", "+CMGD", "+CMGL")
#: Commands that restart the simulated modem (the families' own resets): answered OK, then a power-up.
RESET_COMMANDS = ("AT+CFUN=1,1", "AT+CFUN=16", "AT!RESET", "AT#REBOOT")


@dataclass
class SimOptions:
    """How the simulated modem behaves (the ``simulate-modem`` options)."""

    pin: str = ""
    puk: str = "12345678"
    echo: bool = True
    line_end: str = "\r\n"
    send_delay: float = 0.0
    report_delay: float = 0.5
    error_rate: float = 0.0
    error_code: int = 38
    sim_busy: int = 0
    sim_busy_code: int = 14
    storage_size: int = 30
    cnmi_accepted: tuple[str, ...] = ()
    needs_cnma: bool = True
    noise: bool = False
    registration_delay: float = 0.0
    manufacturer: str = "SMS Console"
    model: str = "Simulated modem"
    imei: str = "356938035643809"
    imsi: str = "262019876543210"
    operator: str = "Simulated Network"
    own_number: str = "+15550100"
    #: The modem family played (see :mod:`~app.gateways.modem.profile_data`).
    profile: str = "generic"
    #: Boot time played = the family's boot time x this (1: as long as the real modem takes).
    boot_scale: float = 0.02
    #: Recipient -> +CMS ERROR code for every send to it.
    fail_numbers: dict[str, int] = field(default_factory=dict)
    #: Recipient -> TP-Status of its status reports (default 0, delivered).
    report_status: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.profile != "generic":  # the family's identity, as its AT+CGMI / AT+CGMM answer
            behaviour = get_profile(self.profile).behaviour
            self.manufacturer, self.model = behaviour.manufacturer, behaviour.model

    @property
    def behaviour(self) -> Behaviour:
        return get_profile(self.profile).behaviour


def _ranges(text: str) -> list[set[int]]:
    """``(0-3),(0,2),(1)`` as the sets of values each position accepts."""
    out = []
    for group in re.findall(r"\(([^)]*)\)", text):
        values: set[int] = set()
        for part in group.split(","):
            low, _, high = part.partition("-")
            values.update(range(int(low), int(high or low) + 1))
        out.append(values)
    return out


@dataclass
class SentPdu:
    reference: int
    recipient: str
    text: str
    pdu: str
    status_report: bool
    concat: tuple[int, int, int] | None


class SimModem:
    """State and answers of the simulated modem."""

    def __init__(self, options: SimOptions):
        self.o = options
        self.b = options.behaviour
        self.cnmi_ranges = _ranges(self.b.cnmi_ranges)
        self.power_up()
        self.pin_state = "SIM PIN" if options.pin else "READY"
        self.pin_tries = 3
        self.storage: dict[int, tuple[int, str]] = {}
        self.reports: dict[int, tuple[int, str]] = {}
        self.sent: list[SentPdu] = []
        self.commands: list[str] = []
        self.cnma_count = 0
        self.next_reference = 0
        self.sim_busy_left = options.sim_busy
        #: Restarts asked for with one of RESET_COMMANDS.
        self.resets = 0

    def power_up(self) -> None:
        self.echo = self.o.echo
        self.cmee = 0
        self.cmgf = 0
        self.cnmi = (0, 0, 0, 0, 0)
        self.mem = ["SM", "SM", "SM"]
        self.csms = 1 if self.o.needs_cnma and self.b.phase2plus else 0

    # --- answers ---------------------------------------------------------------

    def error(self, kind: str, code: int) -> str:
        if self.cmee == 0:
            return "ERROR"
        if (self.cmee == 2 or self.b.verbose_errors) and kind == "CME" and code in CME_TEXT:
            return f"+CME ERROR: {CME_TEXT[code]}"
        return f"+{kind} ERROR: {code}"

    def sim_ready(self, kind: str = "CME") -> str | None:
        """The error to answer when the SIM cannot be used now, else None."""
        if self.sim_busy_left > 0:
            self.sim_busy_left -= 1
            return self.error(kind, self.o.sim_busy_code if kind == "CME" else 314)
        if self.pin_state == "SIM PIN":
            return self.error(kind, 11 if kind == "CME" else 311)
        if self.pin_state == "SIM PUK":
            return self.error(kind, 12 if kind == "CME" else 316)
        return None

    def handle(self, line: str) -> list[str] | str:
        """Answer lines of one command line ("OK" last, unless the family leaves it out), or ``"PROMPT"``."""
        answer = self._handle(line)
        if answer is None:
            return [self.b.unknown_command]
        if isinstance(answer, list) and answer[-1:] == ["OK"] and line.strip().upper() in self.b.no_final:
            return answer[:-1]
        return answer

    def _handle(self, line: str) -> list[str] | str | None:
        cmd = line.strip()
        up = cmd.upper()
        self.commands.append(cmd)
        if not up.startswith("AT"):
            return ["ERROR"]
        body = up[2:]
        if body in ("", "I"):
            return [f"{self.o.manufacturer} {self.o.model}", "OK"] if body else ["OK"]
        if body in ("Z", "&F", "Z0"):
            self.power_up()
            return ["OK"]
        if re.fullmatch(r"E[01]?", body):
            self.echo = body.endswith("1")
            return ["OK"]
        if m := re.fullmatch(r"\+CMEE=([012])", body):
            self.cmee = int(m.group(1))
            return ["OK"]
        if body.startswith("+CPIN"):
            return self._cpin(cmd[2:])
        if body in ("+CGMI", "+GMI"):
            return [self.o.manufacturer, "OK"]
        if body in ("+CGMM", "+GMM"):
            return [self.o.model, "OK"]
        if body in ("+CGMR", "+GMR"):
            return [self.b.revision, "OK"]
        if body in ("+CGSN", "+GSN"):
            return [self.o.imei, "OK"]
        if body == "+CIMI":
            return self._sim_or(lambda: [self.o.imsi, "OK"])
        if body == "+CSQ":
            return ["+CSQ: 21,99", "OK"]
        if body == "+CFUN?":
            return ["+CFUN: 1", "OK"]
        if up in RESET_COMMANDS:
            self.resets += 1
            self.power_up()
            return ["OK"]
        if body.startswith("+CREG"):
            return self._creg(body)
        if body.startswith("+COPS"):
            return [f'+COPS: 0,0,"{self.o.operator}",2', "OK"] if body == "+COPS?" else ["OK"]
        if m := re.fullmatch(r"\+CMGF=([01])", body):
            self.cmgf = int(m.group(1))
            return ["OK"]
        if body.startswith("+CNMI"):
            return self._cnmi(body)
        if body.startswith("+CPMS"):
            return self._sim_or(lambda: self._cpms(body))
        if body.startswith("+CSMS"):
            if m := re.fullmatch(r"\+CSMS=([01])", body):
                self.csms = int(m.group(1))
                return ["+CSMS: 1,1,1", "OK"]
            return [f"+CSMS: {self.csms},1,1,1", "OK"]
        if body == "+CNMA":
            self.cnma_count += 1
            return ["OK"]
        if body == "+CSCS=?":
            return ['+CSCS: ("GSM","IRA","UCS2")', "OK"]
        if body == "+CSCS?":
            return ['+CSCS: "GSM"', "OK"]
        if body == "+CLAC":
            return [*SUPPORTED, "OK"]
        if body in ("+CSCA?",):
            return ['+CSCA: "+4917000000",145', "OK"]
        if body.startswith(("+CSMP", "+CSCS", "+CLIP", "+CRC", "+CVHU", "+COPS=", "&W", "+CSCA=", "+CSDH")):
            return ["OK"]
        if m := re.fullmatch(r"\+CMGS=(\d+)", body):
            return self._sim_or(lambda: "PROMPT", kind="CMS")
        if m := re.fullmatch(r"\+CMGR=(\d+)", body):
            return self._sim_or(lambda: self._cmgr(int(m.group(1))), kind="CMS")
        if m := re.fullmatch(r"\+CMGD=(\d+)(?:,(\d))?", body):
            return self._sim_or(lambda: self._cmgd(int(m.group(1)), int(m.group(2) or 0)), kind="CMS")
        if m := re.fullmatch(r'\+CMGL(?:=(\d|"ALL"))?', body):
            return self._sim_or(lambda: self._cmgl(), kind="CMS")
        return None  # a command this modem does not know

    def _sim_or(self, answer, kind: str = "CME"):
        problem = self.sim_ready(kind)
        return [problem] if problem else answer()

    def _cpin(self, rest: str) -> list[str]:
        if rest.upper() == "+CPIN?":
            if self.sim_busy_left > 0:
                self.sim_busy_left -= 1
                return [self.error("CME", self.o.sim_busy_code)]
            return [f"+CPIN: {self.pin_state}", "OK"]
        values = re.findall(r'"([^"]*)"|(\d+)', rest[6:])
        values = [a or b for a, b in values]
        if self.pin_state == "READY":
            return [self.error("CME", 3)]
        if self.pin_state == "SIM PIN" and len(values) >= 1:
            if values[0] == self.o.pin:
                self.pin_state, self.pin_tries = "READY", 3
                return ["OK"]
            self.pin_tries -= 1
            if self.pin_tries <= 0:
                self.pin_state = "SIM PUK"
            return [self.error("CME", 16)]
        if self.pin_state == "SIM PUK" and len(values) == 2 and values[0] == self.o.puk:
            self.o.pin, self.pin_state, self.pin_tries = values[1], "READY", 3
            return ["OK"]
        return [self.error("CME", 16)]

    def _creg(self, body: str) -> list[str]:
        if body == "+CREG?":
            registered = self.registered()
            return [f"+CREG: 0,{1 if registered else 2}", "OK"]
        return ["OK"]

    def registered(self) -> bool:
        """Overridden by the simulator, which knows the time since power-up."""
        return True

    def _cnmi(self, body: str) -> list[str]:
        if body == "+CNMI?":
            return ["+CNMI: " + ",".join(map(str, self.cnmi)), "OK"]
        if body == "+CNMI=?":
            return [f"+CNMI: {self.b.cnmi_ranges}", "OK"]
        m = re.fullmatch(r"\+CNMI=([\d,]*)", body)
        if not m:
            return [self.error("CMS", 302)]
        given = m.group(1)
        if self.o.cnmi_accepted and given not in self.o.cnmi_accepted:
            return [self.error("CMS", 303)]
        values = [int(v) if v else 0 for v in given.split(",")] + [0] * 5
        if any(v not in accepted for v, accepted in zip(values, self.cnmi_ranges)):
            return [self.error("CMS", 303)]
        self.cnmi = tuple(values[:5])
        return ["OK"]

    def _cpms(self, body: str) -> list[str]:
        storages = self.b.storages
        if not storages:
            return [self.error("CMS", 302)]  # no message storage over AT
        if body == "+CPMS=?":
            first = storages + (("SR",) if self.b.report_storage else ())
            names = lambda mems: "(" + ",".join(f'"{m}"' for m in mems) + ")"  # noqa: E731
            return [f"+CPMS: {names(first)},{names(storages)},{names(storages)}", "OK"]
        used = len(self.storage)
        if body == "+CPMS?":
            return [f'+CPMS: "{self.mem[0]}",{self._used(self.mem[0])},{self.o.storage_size},'
                    f'"SM",{used},{self.o.storage_size},"SM",{used},{self.o.storage_size}', "OK"]
        names = re.findall(r'"(\w+)"', body)
        allowed = storages + (("SR",) if self.b.report_storage else ())
        if not names or any(n not in allowed for n in names) or "SR" in names[1:]:
            return [self.error("CMS", 302)]
        for i, name in enumerate(names[:3]):
            self.mem[i] = name
        return [f"+CPMS: {self._used(names[0])},{self.o.storage_size},{used},{self.o.storage_size},"
                f"{used},{self.o.storage_size}", "OK"]

    def _used(self, mem: str) -> int:
        return len(self.reports if mem == "SR" else self.storage)

    def _no_storage(self) -> list[str] | None:
        return None if self.b.storages else [self.error("CMS", 302)]

    def _box(self) -> dict[int, tuple[int, str]]:
        return self.reports if self.mem[0] == "SR" else self.storage

    def _cmgr(self, index: int) -> list[str]:
        if refused := self._no_storage():
            return refused
        box = self._box()
        if index not in box:
            return [self.error("CMS", 321)]
        stat, pdu = box[index]
        if stat == 0:
            box[index] = (1, pdu)
        return [f"+CMGR: {stat},,{tpdu_length(pdu)}", pdu, "OK"]

    def _cmgd(self, index: int, flag: int) -> list[str]:
        if refused := self._no_storage():
            return refused
        box = self._box()
        if flag == 4:
            box.clear()
        elif flag:
            for i in [i for i, (s, _) in box.items() if s == 1 or flag >= 2]:
                del box[i]
        else:
            box.pop(index, None)
        return ["OK"]

    def _cmgl(self) -> list[str]:
        if refused := self._no_storage():
            return refused
        out = []
        box = self._box()
        alpha = '""' if self.b.cmgl_alpha else ""
        for index in sorted(box):
            stat, pdu = box[index]
            out += [f"+CMGL: {index},{stat},{alpha},{tpdu_length(pdu)}", pdu]
            if stat == 0:
                box[index] = (1, pdu)
        return out + ["OK"]

    # --- sending ---------------------------------------------------------------

    def submit(self, length: int, pdu: str) -> tuple[Submit | None, str | None]:
        """Check a submitted PDU: (decoded, None) or (None, error line)."""
        try:
            sms = decode(pdu, direction="out")
        except (PduError, ValueError):
            return None, self.error("CMS", 304)
        if tpdu_length(pdu) != length:
            return None, self.error("CMS", 304)
        return sms, None

    def store(self, pdu: str, reports: bool = False) -> int | None:
        """Put a received PDU in storage; None when it is full."""
        box = self.reports if reports else self.storage
        if len(box) >= self.o.storage_size or not self.b.storages:
            return None
        base = self.b.index_base
        index = next(i for i in range(base, base + self.o.storage_size + 1) if i not in box)
        box[index] = (0, pdu)
        return index
