<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en">
<context>
    <name>BlockedNumbersDialog</name>
    <message numerus="yes">
        <source>%n number(s) on the list</source>
        <translation>
            <numerusform>%n number on the list</numerusform>
            <numerusform>%n numbers on the list</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n number(s) unblocked; messages to them are accepted again.</source>
        <translation>
            <numerusform>%n number unblocked; messages to them are accepted again.</numerusform>
            <numerusform>%n numbers unblocked; messages to them are accepted again.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>From %s: %n number(s) blocked</source>
        <translation>
            <numerusform>From %s: %n number blocked</numerusform>
            <numerusform>From %s: %n numbers blocked</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>, %n already on the list</source>
        <translation>
            <numerusform>, %n already on the list</numerusform>
            <numerusform>, %n already on the list</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n line(s) refused, not a phone number: </source>
        <translation>
            <numerusform>%n line refused, not a phone number: </numerusform>
            <numerusform>%n lines refused, not a phone number: </numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n waiting message(s) to blocked numbers failed.</source>
        <translation>
            <numerusform>%n waiting message to blocked numbers failed.</numerusform>
            <numerusform>%n waiting messages to blocked numbers failed.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ComposeDialog</name>
    <message numerus="yes">
        <source>%n message(s) queued. These recipients were refused; correct them and send again, or cancel:</source>
        <translation>
            <numerusform>%n message queued. These recipients were refused; correct them and send again, or cancel:</numerusform>
            <numerusform>%n messages queued. These recipients were refused; correct them and send again, or cancel:</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ContactsDialog</name>
    <message numerus="yes">
        <source>%n contact(s) removed.</source>
        <translation>
            <numerusform>%n contact removed.</numerusform>
            <numerusform>%n contacts removed.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n contact(s) imported.</source>
        <translation>
            <numerusform>%n contact imported.</numerusform>
            <numerusform>%n contacts imported.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>CsvImportDialog</name>
    <message numerus="yes">
        <source>%n recipient(s)</source>
        <translation>
            <numerusform>%n recipient</numerusform>
            <numerusform>%n recipients</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ExportRunner</name>
    <message numerus="yes">
        <source>%n message(s) exported to %1</source>
        <translation>
            <numerusform>%n message exported to %1</numerusform>
            <numerusform>%n messages exported to %1</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message numerus="yes">
        <source>%n message(s) queued</source>
        <translation>
            <numerusform>%n message queued</numerusform>
            <numerusform>%n messages queued</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n unread</source>
        <translation>
            <numerusform>%n unread</numerusform>
            <numerusform>%n unread</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>MessageActions</name>
    <message numerus="yes">
        <source>%n message(s) deleted. Undo with Ctrl+Z.</source>
        <translation>
            <numerusform>%n message deleted. Undo with Ctrl+Z.</numerusform>
            <numerusform>%n messages deleted. Undo with Ctrl+Z.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n message(s) restored.</source>
        <translation>
            <numerusform>%n message restored.</numerusform>
            <numerusform>%n messages restored.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Notifier</name>
    <message numerus="yes">
        <source>%n unread</source>
        <translation>
            <numerusform>%n unread</numerusform>
            <numerusform>%n unread</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>OutboxTab</name>
    <message numerus="yes">
        <source>%n message(s) cancelled.</source>
        <translation>
            <numerusform>%n message cancelled.</numerusform>
            <numerusform>%n messages cancelled.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n message(s) queued again.</source>
        <translation>
            <numerusform>%n message queued again.</numerusform>
            <numerusform>%n messages queued again.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n message(s) queued again as new messages.</source>
        <translation>
            <numerusform>%n message queued again as a new message.</numerusform>
            <numerusform>%n messages queued again as new messages.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>RecipientField</name>
    <message numerus="yes">
        <source>%s: %n recipient(s)</source>
        <translation>
            <numerusform>%s: %n recipient</numerusform>
            <numerusform>%s: %n recipients</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>SmsCounter</name>
    <message numerus="yes">
        <source>%n part(s)</source>
        <translation>
            <numerusform>%n part</numerusform>
            <numerusform>%n parts</numerusform>
        </translation>
    </message>
</context>
</TS>
