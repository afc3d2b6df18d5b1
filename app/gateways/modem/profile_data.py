"""The modem families the console knows, from their vendors' public AT command manuals.

Each entry names its sources. Where a fact comes from a public record of a
real device rather than from the manual (a bug report's log), the entry
says so. Boot times are the manuals' "time to URC/ready after power-on"
figures, rounded; the simulator plays them scaled down.
"""

from __future__ import annotations

from dataclasses import replace

from .profiles import CNMI_DIRECT, Behaviour, ModemProfile

GENERIC = ModemProfile(
    "generic", "any modem following 3GPP TS 27.005 / 27.007",
    "3GPP TS 27.005 §3 (SMS commands, PDU mode) and TS 27.007 §§5, 8, 9 (identity, SIM, errors)",
    manufacturer=r".", boot_seconds=6.0)

HUAWEI = ModemProfile(
    "huawei", "Huawei E1xx/E3xx/K-series USB sticks",
    "HUAWEI UMTS/HSPA Datacard and USB modem AT Command Interface Specification: §§ ^BOOT, ^RSSI, ^MODE, "
    "^DSFLOWRPT (periodic unsolicited reports, ^RSSI on every signal change), ^SMMEMFULL; +CNMI test answer "
    "(0-2),(0-3),(0,2),(0-2),(0,1); +CPMS \"SM\",\"ME\",\"SR\". \"COMMAND NOT SUPPORT\" as final result and ME "
    "storage of 23 slots numbered from 0: E1752 traffic in gammu issues #126 and #138",
    manufacturer=r"huawei", storage="SM", boot_seconds=8.0,
    unsolicited=("^BOOT", "^RSSI", "^MODE", "^DSFLOWRPT", "^SRVST", "^SIMST", "^CEND", "^SMMEMFULL", "^STIN"),
    error_finals=("COMMAND NOT SUPPORT", "TOO MANY PARAMETERS"),
    behaviour=Behaviour(
        "huawei", "E173", "11.126.85.00.209", banners=("^SIMST:1", "^SRVST:2"), boot_seconds=8.0,
        floods=("^RSSI:21", "^BOOT:20952066,0,0,0,75", "^MODE:5,4",
                "^DSFLOWRPT:00000011,00000000,00000000,0000000000000000,0000000000000000,0003E800,0003E800"),
        cnmi_ranges="(0-2),(0-3),(0,2),(0-2),(0,1)", storages=("SM", "ME"), index_base=0,
        unknown_command="COMMAND NOT SUPPORT"))

ZTE = ModemProfile(
    "zte", "ZTE MF- and K-series USB sticks",
    "ZTE MF190/MF626 AT command set (ZTE Corporation): +ZUSIMR (SIM state), +ZPASR (network mode), +ZDONR "
    "(operator) unsolicited reports; +CPMS \"SM\",\"ME\",\"SR\"; +CNMI (0-3),(0-3),(0,2),(0-2),(0,1). Stray NUL "
    "bytes between lines are not in the manual: users' logs of MF-series sticks show them",
    manufacturer=r"\bZTE\b", storage="SM", boot_seconds=8.0,
    unsolicited=("+ZUSIMR", "+ZPASR", "+ZDONR", "+ZEND", "+ZSTR", "+ZCPI", "+ZMMI"),
    behaviour=Behaviour(
        "ZTE CORPORATION", "MF190", "BD_MF190V1.0.0B05", banners=("+ZUSIMR:2", "+ZEND"), boot_seconds=8.0,
        floods=('+ZPASR: "UMTS"', '+ZDONR: "Vodafone",262,2,"CS_PS","ROAM_OFF"'), nul_bytes=True,
        storages=("SM", "ME"), cmgl_alpha=True))

QUECTEL = ModemProfile(
    "quectel", "Quectel EC2x / EG9x / BG9x LTE modules",
    "Quectel EC25&EC21 AT Commands Manual V1.3 (2018-09-20): \"RDY\" once the module is on, then the "
    "+CPIN: READY and +QIND: SMS DONE / PB DONE URCs (AT+QINDCFG; appendix \"Summary of URC\"); AT+CNMI "
    "(0-2),(0-3),(0,2),(0-2),(0,1); AT+CPMS \"ME\",\"MT\",\"SM\",\"SR\", indexes from 0. +CPIN: READY "
    "answered without OK shortly after boot: reported from an EC25 in the field",
    manufacturer=r"quectel", storage="ME", boot_seconds=13.0, info_grace=0.3,
    unsolicited=("+QIND", "+QUSIM", "+QSIMSTAT", "+QCSQ", "POWERED DOWN"),
    behaviour=Behaviour(
        "Quectel", "EC25", "EC25EFAR06A06M4G", banners=("RDY", "+CPIN: READY", "+QUSIM: 1",
                                                        "+QIND: SMS DONE", "+QIND: PB DONE"),
        boot_seconds=13.0, no_final=("AT+CPIN?",), index_base=0,
        cnmi_ranges="(0-2),(0-3),(0,2),(0-2),(0,1)", storages=("ME", "MT", "SM")))

SIMCOM = ModemProfile(
    "simcom", "SIMCom SIM800 / SIM900 GSM modules",
    "SIM800 Series AT Command Manual V1.09 (2015-08-03): §4.2.8 AT+CNMI <ds> 0 or 1 only (status reports "
    "by +CDS, no SR storage); AT+CMGL in PDU mode +CMGL: <index>,<stat>[,<alpha>],<length>; summary of "
    "URCs: RDY, +CFUN: 1, +CPIN: READY, Call Ready, SMS Ready after power-on",
    manufacturer=r"SIMCOM", model=r"SIM[89]\d\d(?!\d)", storage="SM", boot_seconds=5.0,
    cnmi=("2,1,0,1,0", "1,1,0,1,0", "2,1,0,0,0", "2,2,0,1,0"),
    unsolicited=("*PSUTTZ", "DST:", "+CTZV", "+CSMINS", "CALL READY", "SMS READY", "+CFUN:", "UNDER-VOLTAGE"),
    behaviour=Behaviour(
        "SIMCOM_Ltd", "SIMCOM_SIM800", "Revision:1418B04SIM800L24",
        banners=("RDY", "+CFUN: 1", "+CPIN: READY", "Call Ready", "SMS Ready"), boot_seconds=5.0,
        cnmi_ranges="(0-3),(0-3),(0,2),(0,1),(0,1)", storages=("SM", "ME", "SM_P", "ME_P", "MT"),
        report_storage=False, cmgl_alpha=True))

SIMCOM_LTE = ModemProfile(
    "simcom-lte", "SIMCom SIM7500 / SIM7600 / SIM7670 LTE modules",
    "SIM7500_SIM7600 Series AT Command Manual V1.x: Summary of URCs (RDY, +CPIN: READY, SMS DONE, PB DONE); "
    "+CNMI (0-2),(0-3),(0,2),(0-2),(0,1). The prompt \\r\\n>\\r\\n without a space: SIM7670G bytes in gammu "
    "issue #1176",
    manufacturer=r"SIMCOM", model=r"SIM7\d\d\d|A76\d\d", storage="SM", boot_seconds=15.0,
    unsolicited=("SMS DONE", "PB DONE", "+CGEV", "+CNSMOD"),
    behaviour=Behaviour(
        "SIMCOM INCORPORATED", "SIMCOM_SIM7600E-H", "LE20B04SIM7600M22",
        banners=("RDY", "+CPIN: READY", "SMS DONE", "PB DONE"), boot_seconds=15.0, prompt="\r\n>\r\n",
        cnmi_ranges="(0-2),(0-3),(0,2),(0-2),(0,1)", cmgl_alpha=True))

SIERRA = ModemProfile(
    "sierra", "Sierra Wireless AirPrime MC / EM (MC7304, MC7455, EM7455)",
    "Sierra Wireless AirPrime MC/EM Series AT Command Reference (4117727): standard 27.005 SMS set, "
    "+CPMS \"SM\",\"ME\",\"MT\",\"SR\"; no banner at power-on; errors in words with AT+CMEE=2; "
    "AT!RESET restarts the modem",
    manufacturer=r"sierra", storage="SM", boot_seconds=10.0, reset="AT!RESET",
    behaviour=Behaviour("Sierra Wireless, Incorporated", "MC7455", "SWI9X30C_02.24.05.06", boot_seconds=10.0))

TELIT = ModemProfile(
    "telit", "Telit LE910 / HE910 / GE910",
    "Telit LE910 Cat.1 / LE910Cx AT Commands Reference Guide: +CMGS answers the four characters "
    "<CR><LF><greater_than><space>; +CNMI (0-3),(0-3),(0,2),(0-2),(0,1); #QSS SIM status URC; "
    "+CME ERROR in words with AT+CMEE=2; AT#REBOOT restarts the module",
    manufacturer=r"telit", storage="SM", boot_seconds=10.0, unsolicited=("#QSS", "#SIMPR"), reset="AT#REBOOT",
    behaviour=Behaviour("Telit", "LE910C1-EU", "25.21.660", banners=("#QSS: 1",), boot_seconds=10.0))

UBLOX = ModemProfile(
    "ublox", "u-blox SARA / LISA / TOBY / LARA",
    "u-blox Cellular Modules AT Commands Manual (UBX-13002752): +CPMS \"MT\",\"ME\",\"SM\",\"BM\",\"SR\"; "
    "+CNMI (0-3),(0-3),(0,2),(0-2),(0,1); +UUSTS/+UUPSDA URCs. The prompt with no line end before it: "
    "LARA-L6 in RIOT-OS pull request #20016; AT+CFUN=16 resets the module (MT reset, the SIM kept)",
    manufacturer=r"u-?blox", storage="SM", boot_seconds=6.0, unsolicited=("+UUSTS", "+UUPSDA", "+UUPSDD", "+UMWI"),
    reset="AT+CFUN=16",
    behaviour=Behaviour("u-blox", "SARA-U201", "23.60", boot_seconds=6.0, prompt="> ",
                        storages=("MT", "ME", "SM", "BM")))

CINTERION = ModemProfile(
    "cinterion", "Cinterion / Gemalto / Siemens (MC35, BGS2, EHS6, PLS8)",
    "Cinterion EHS6 AT Command Set (EHS6_ATC_V03.001): ^SYSSTART URC once the module is ready; "
    "^SBC, ^SIS URCs; +CPMS \"SM\",\"ME\",\"MT\",\"SR\"; +CNMI (0-3),(0-3),(0,2),(0-2),(0,1)",
    manufacturer=r"cinterion|gemalto|siemens|thales", storage="SM", boot_seconds=5.0,
    unsolicited=("^SYSSTART", "^SYSLOADING", "^SBC", "^SIS", "^SCTM", "^SHUTDOWN"),
    behaviour=Behaviour("Cinterion", "EHS6", "REVISION 03.001", banners=("^SYSLOADING", "^SYSSTART"),
                        boot_seconds=5.0))

WAVECOM = ModemProfile(
    "wavecom", "Wavecom / Sierra Fastrack (M1306B, Q2403, Supreme)",
    "Wavecom AT Commands Interface Guide: +WIND unsolicited indications (+WIND: 1, 3, 4 at start-up). "
    "AT+CPIN? answered +CPIN: READY without OK, and the CGMI/CGMM/CPMS/CNMI answers: M1306B traffic in "
    "python-gsmmodem issue #19",
    manufacturer=r"wavecom", storage="SM", boot_seconds=5.0, info_grace=0.3, unsolicited=("+WIND",),
    behaviour=Behaviour(
        " WAVECOM MODEM  ", " MULTIBAND  900E  1800 ", "430e09gm.3 1207928 020102 14:41",
        banners=("+WIND: 1", "+WIND: 3", "+WIND: 4"), boot_seconds=5.0, no_final=("AT+CPIN?",),
        cnmi_ranges="(0-3),(0-3),(0-3),(0-2),(0,1)", storages=("SM",)))

NOKIA = ModemProfile(
    "nokia", "Nokia phones on a data cable",
    "Nokia AT command set for S40 phones (Forum Nokia): SMS sending in PDU mode, received messages routed "
    "directly (+CMT) only; the phone's message store is not reachable over AT (+CPMS and +CMGL refused)",
    manufacturer=r"nokia", sms_storage=False, cnmi=CNMI_DIRECT, boot_seconds=2.0,
    behaviour=Behaviour("Nokia", "Nokia 6230i", "V 03.88", cnmi_ranges="(0-2),(0,2),(0),(0,1),(0)",
                        storages=(), report_storage=False, phase2plus=False))

SONY_ERICSSON = replace(
    NOKIA, name="sony-ericsson", title="Sony Ericsson phones on a data cable",
    source="Sony Ericsson AT Commands Online Reference (K750/W800 family): PDU mode SMS, +CMT routing; the "
           "phone's message store is not reachable over AT; errors answered in words",
    manufacturer=r"sony ?ericsson",
    behaviour=replace(NOKIA.behaviour, manufacturer="Sony Ericsson", model="AAC-1052042-BV",
                      revision="R1AA008", verbose_errors=True))

PROFILES: tuple[ModemProfile, ...] = (GENERIC, HUAWEI, ZTE, QUECTEL, SIMCOM, SIMCOM_LTE, SIERRA, TELIT, UBLOX,
                                      CINTERION, WAVECOM, NOKIA, SONY_ERICSSON)
