"""PDUs of two field reports against the decoder, shared by the codec and modem gateway tests."""

#: Reconstructed: a received SMS whose TP-UDL says 53 septets (47 octets) while 77 octets follow it, the last
#: 30 being the rest of an older, longer message the phone's storage kept (as eeeeeta/huawei-modem pull 23
#: describes). Header as in Android's GsmSmsTest.testEmailGateway: SMSC +14155551212, originator "503".
PADDED_DELIVER = ("07914151551512F204038105F300007011103164638A35D9775D0E8287E5E3321B44BBC562A0B05C9EB697E720FA9B1"
                  "CCE83C465FABD5C768362301D0C060ABBC9A0180DED02BBEBF4F2DC0522BE41EE371D344787E565509A0EBAA7E96850D8"
                  "9D7FBBCB")
#: Public: babca/python-gsmmodem issue 15 (a modem's AT+CMGR answer, +CDSI "SR",19): the report for TP-MR 35
#: whose service centre time stamp ends in the time-zone octet C2, which is not BCD.
BAD_ZONE_REPORT = "0006230E9126983575169498610103409544C26101034095448200"
