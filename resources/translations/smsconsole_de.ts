<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>AddModemDialog</name>
    <message>
        <source>Add modem</source>
        <extracomment>Emitted with the result of each probe. Emitted with the new gateway&apos;s name once it is declared.</extracomment>
        <translation>Modem hinzufügen</translation>
    </message>
    <message>
        <source>/dev/serial/by-id/... or /dev/ttyUSB0</source>
        <translation>/dev/serial/by-id/... oder /dev/ttyUSB0</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>Aktualisieren</translation>
    </message>
    <message>
        <source>Probe</source>
        <translation>Prüfen</translation>
    </message>
    <message>
        <source>Pick a port and probe it to see which modem answers.</source>
        <translation>Wählen Sie einen Anschluss und prüfen Sie ihn, um zu sehen, welches Modem antwortet.</translation>
    </message>
    <message>
        <source>e.g. Modem 1</source>
        <translation>z. B. Modem 1</translation>
    </message>
    <message>
        <source>only if the SIM asks for one</source>
        <translation>nur wenn die SIM eine verlangt</translation>
    </message>
    <message>
        <source>Port:</source>
        <translation>Anschluss:</translation>
    </message>
    <message>
        <source>Name:</source>
        <translation>Name:</translation>
    </message>
    <message>
        <source>SIM PIN:</source>
        <translation>SIM-PIN:</translation>
    </message>
    <message>
        <source>Speed (baud):</source>
        <translation>Geschwindigkeit (Baud):</translation>
    </message>
    <message>
        <source>On Linux the user needs the dialout group, and ModemManager must leave the port alone (udev: ENV{ID_MM_DEVICE_IGNORE}=&quot;1&quot;).</source>
        <translation>Unter Linux braucht der Benutzer die Gruppe dialout, und ModemManager muss den Anschluss in Ruhe lassen (udev: ENV{ID_MM_DEVICE_IGNORE}=&quot;1&quot;).</translation>
    </message>
    <message>
        <source>Add and start</source>
        <translation>Hinzufügen und starten</translation>
    </message>
    <message>
        <source>Enter or pick a port first.</source>
        <translation>Geben Sie zuerst einen Anschluss ein oder wählen Sie einen.</translation>
    </message>
    <message>
        <source>Asking %s …</source>
        <translation>Frage %s …</translation>
    </message>
    <message>
        <source>Modem found: %s</source>
        <translation>Modem gefunden: %s</translation>
    </message>
    <message>
        <source>No modem: %s</source>
        <translation>Kein Modem: %s</translation>
    </message>
    <message>
        <source>Choose the modem&apos;s port.</source>
        <translation>Wählen Sie den Anschluss des Modems.</translation>
    </message>
    <message>
        <source>Add %s</source>
        <translation>%s hinzufügen</translation>
    </message>
    <message>
        <source>Start %s</source>
        <translation>%s starten</translation>
    </message>
</context>
<context>
    <name>ApiPage</name>
    <message>
        <source>Sending from other programs</source>
        <translation>Senden aus anderen Programmen</translation>
    </message>
    <message>
        <source>The console serves an HTTP API at %s (the Diafaan, Retarus and HORISEN protocols). Programs sign in with a user of the console.</source>
        <translation>Die Konsole bietet unter %s eine HTTP-API an (die Protokolle von Diafaan, Retarus und HORISEN). Programme melden sich mit einem Benutzer der Konsole an.</translation>
    </message>
    <message>
        <source>Create an API user</source>
        <translation>API-Benutzer anlegen</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>Kopieren</translation>
    </message>
    <message>
        <source>User name:</source>
        <translation>Benutzername:</translation>
    </message>
    <message>
        <source>Password:</source>
        <translation>Passwort:</translation>
    </message>
    <message>
        <source>Try it:</source>
        <translation>Ausprobieren:</translation>
    </message>
    <message>
        <source>Users of the console: %s (Settings → Users).</source>
        <translation>Benutzer der Konsole: %s (Einstellungen → Benutzer).</translation>
    </message>
    <message>
        <source>The password needs at least 8 characters.</source>
        <translation>Das Passwort braucht mindestens 8 Zeichen.</translation>
    </message>
</context>
<context>
    <name>BlockedNumbersDialog</name>
    <message>
        <source>Opt-out list</source>
        <extracomment>Numbers blocked in one transaction while the loop waits (a few ms).</extracomment>
        <translation>Sperrliste</translation>
    </message>
    <message>
        <source>Messages to these numbers are refused, from the window and the API. Blocking a number fails its messages still waiting in the queue.</source>
        <translation>Nachrichten an diese Nummern werden abgelehnt, aus dem Fenster wie über die API. Wird eine Nummer gesperrt, schlagen ihre noch wartenden Nachrichten fehl.</translation>
    </message>
    <message>
        <source>Find a number or reason</source>
        <translation>Nummer oder Grund suchen</translation>
    </message>
    <message>
        <source>Number</source>
        <translation>Nummer</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Grund</translation>
    </message>
    <message>
        <source>Number, e.g. +4917612345678</source>
        <translation>Nummer, z. B. +4917612345678</translation>
    </message>
    <message>
        <source>Reason, e.g. replied STOP</source>
        <translation>Grund, z. B. antwortete STOP</translation>
    </message>
    <message>
        <source>&amp;Block</source>
        <translation>&amp;Sperren</translation>
    </message>
    <message>
        <source>Add the number to the opt-out list</source>
        <translation>Die Nummer auf die Sperrliste setzen</translation>
    </message>
    <message>
        <source>&amp;Unblock</source>
        <translation>&amp;Entsperren</translation>
    </message>
    <message>
        <source>Take the selected numbers off the list (Delete)</source>
        <translation>Die gewählten Nummern von der Liste nehmen (Entf)</translation>
    </message>
    <message>
        <source>&amp;Paste numbers</source>
        <translation>Nummern ein&amp;fügen</translation>
    </message>
    <message>
        <source>Block every number on the clipboard, one a line; a second column (after ; , or tab) is the reason</source>
        <translation>Jede Nummer aus der Zwischenablage sperren, eine pro Zeile; eine zweite Spalte (nach ; , oder Tab) ist der Grund</translation>
    </message>
    <message>
        <source>&amp;Import file…</source>
        <translation>Datei &amp;importieren…</translation>
    </message>
    <message>
        <source>Block the numbers of a text or CSV file: number first, reason second</source>
        <translation>Die Nummern einer Text- oder CSV-Datei sperren: zuerst die Nummer, dann der Grund</translation>
    </message>
    <message numerus="yes">
        <source>%n number(s) on the list</source>
        <translation>
            <numerusform>%n Nummer auf der Liste</numerusform>
            <numerusform>%n Nummern auf der Liste</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 of %2 shown</source>
        <translation>%1 von %2 angezeigt</translation>
    </message>
    <message>
        <source>No blocked number matches &quot;%s&quot;.</source>
        <translation>Keine gesperrte Nummer passt zu „%s“.</translation>
    </message>
    <message>
        <source>No number is blocked. Add one below, paste a list, or import a file.</source>
        <translation>Keine Nummer ist gesperrt. Fügen Sie unten eine hinzu, fügen Sie eine Liste ein oder importieren Sie eine Datei.</translation>
    </message>
    <message>
        <source>Type the number to block.</source>
        <translation>Geben Sie die zu sperrende Nummer ein.</translation>
    </message>
    <message>
        <source>%s. Write the number in international form (+4917612345678), or set the default country in the settings.</source>
        <translation>%s. Schreiben Sie die Nummer international (+4917612345678) oder legen Sie in den Einstellungen das Standardland fest.</translation>
    </message>
    <message>
        <source>Block</source>
        <translation>Sperren</translation>
    </message>
    <message>
        <source>%s blocked.</source>
        <translation>%s gesperrt.</translation>
    </message>
    <message>
        <source>Select the numbers to unblock.</source>
        <translation>Wählen Sie die zu entsperrenden Nummern.</translation>
    </message>
    <message>
        <source>Unblock</source>
        <translation>Entsperren</translation>
    </message>
    <message numerus="yes">
        <source>%n number(s) unblocked; messages to them are accepted again.</source>
        <translation>
            <numerusform>%n Nummer entsperrt; Nachrichten an sie werden wieder angenommen.</numerusform>
            <numerusform>%n Nummern entsperrt; Nachrichten an sie werden wieder angenommen.</numerusform>
        </translation>
    </message>
    <message>
        <source>the clipboard</source>
        <translation>der Zwischenablage</translation>
    </message>
    <message>
        <source>Import blocked numbers</source>
        <translation>Gesperrte Nummern importieren</translation>
    </message>
    <message>
        <source>Text and CSV files (*.txt *.csv);;All files (*)</source>
        <translation>Text- und CSV-Dateien (*.txt *.csv);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>The file %s cannot be read: %s</source>
        <translation>Die Datei %s kann nicht gelesen werden: %s</translation>
    </message>
    <message>
        <source>No phone number found in %s: put one number on each line.</source>
        <translation>Keine Telefonnummer in %s gefunden: schreiben Sie eine Nummer pro Zeile.</translation>
    </message>
    <message>
        <source>Still blocking the previous list; wait for it to finish.</source>
        <translation>Die vorige Liste wird noch gesperrt; warten Sie, bis sie fertig ist.</translation>
    </message>
    <message>
        <source>Block numbers</source>
        <translation>Nummern sperren</translation>
    </message>
    <message>
        <source>Blocking: %d of %d…</source>
        <translation>Sperre: %d von %d…</translation>
    </message>
    <message numerus="yes">
        <source>From %s: %n number(s) blocked</source>
        <translation>
            <numerusform>Aus %s: %n Nummer gesperrt</numerusform>
            <numerusform>Aus %s: %n Nummern gesperrt</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>, %n already on the list</source>
        <translation>
            <numerusform>, %n schon auf der Liste</numerusform>
            <numerusform>, %n schon auf der Liste</numerusform>
        </translation>
    </message>
    <message>
        <source> and %d more</source>
        <translation> und %d weitere</translation>
    </message>
    <message numerus="yes">
        <source>%n line(s) refused, not a phone number: </source>
        <translation>
            <numerusform>%n Zeile abgelehnt, keine Telefonnummer: </numerusform>
            <numerusform>%n Zeilen abgelehnt, keine Telefonnummer: </numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n waiting message(s) to blocked numbers failed.</source>
        <translation>
            <numerusform>%n wartende Nachricht an gesperrte Nummern fehlgeschlagen.</numerusform>
            <numerusform>%n wartende Nachrichten an gesperrte Nummern fehlgeschlagen.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Chart</name>
    <message>
        <source>No figures yet</source>
        <extracomment>Series colours, told apart in light and dark schemes.</extracomment>
        <translation>Noch keine Zahlen</translation>
    </message>
    <message>
        <source>When</source>
        <translation>Wann</translation>
    </message>
</context>
<context>
    <name>ChartCard</name>
    <message>
        <source>CSV…</source>
        <translation>CSV…</translation>
    </message>
    <message>
        <source>Save the figures of this chart as a CSV file</source>
        <translation>Die Zahlen dieses Diagramms als CSV-Datei speichern</translation>
    </message>
    <message>
        <source>PNG…</source>
        <translation>PNG…</translation>
    </message>
    <message>
        <source>Save this chart as a picture</source>
        <translation>Dieses Diagramm als Bild speichern</translation>
    </message>
    <message>
        <source>Save chart</source>
        <translation>Diagramm speichern</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>CSV-Dateien (*.csv)</translation>
    </message>
    <message>
        <source>PNG pictures (*.png)</source>
        <translation>PNG-Bilder (*.png)</translation>
    </message>
</context>
<context>
    <name>Chip</name>
    <message>
        <source>Remove</source>
        <extracomment>Values for ``{placeholders}`` (a contact&apos;s name, the columns of a CSV row). Why the number cannot be used (&quot;&quot; when it can).</extracomment>
        <translation>Entfernen</translation>
    </message>
</context>
<context>
    <name>ClusterDialog</name>
    <message>
        <source>Cluster</source>
        <extracomment>Seconds between two refreshes.</extracomment>
        <translation>Verbund</translation>
    </message>
    <message>
        <source>Console</source>
        <translation>Konsole</translation>
    </message>
    <message>
        <source>Host</source>
        <translation>Rechner</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Zustand</translation>
    </message>
    <message>
        <source>Heartbeat</source>
        <translation>Lebenszeichen</translation>
    </message>
    <message>
        <source>Gateways</source>
        <translation>Gateways</translation>
    </message>
    <message>
        <source>Send rate</source>
        <translation>Senderate</translation>
    </message>
    <message>
        <source>Gateway</source>
        <translation>Gateway</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>Art</translation>
    </message>
    <message>
        <source>Owner</source>
        <translation>Besitzer</translation>
    </message>
    <message>
        <source>Runs on</source>
        <translation>Läuft auf</translation>
    </message>
    <message>
        <source>Change &amp;owner…</source>
        <translation>&amp;Besitzer ändern…</translation>
    </message>
    <message>
        <source>Consoles sharing the store %1</source>
        <translation>Konsolen, die sich den Speicher %1 teilen</translation>
    </message>
    <message>
        <source>Gateways and the console that runs each</source>
        <translation>Gateways und die Konsole, die jedes betreibt</translation>
    </message>
    <message>
        <source>Read the consoles</source>
        <translation>Konsolen lesen</translation>
    </message>
    <message>
        <source>running</source>
        <translation>läuft</translation>
    </message>
    <message>
        <source>stopped</source>
        <translation>beendet</translation>
    </message>
    <message>
        <source>gone</source>
        <translation>verschwunden</translation>
    </message>
    <message>
        <source>%1 s ago</source>
        <translation>vor %1 s</translation>
    </message>
    <message>
        <source> (this console)</source>
        <translation> (diese Konsole)</translation>
    </message>
    <message>
        <source>any console</source>
        <translation>jede Konsole</translation>
    </message>
    <message>
        <source>no console</source>
        <translation>keine Konsole</translation>
    </message>
    <message>
        <source>(any console, one at a time)</source>
        <translation>(jede Konsole, jeweils eine)</translation>
    </message>
    <message>
        <source>Owner of %1</source>
        <translation>Besitzer von %1</translation>
    </message>
    <message>
        <source>Console that runs gateway %1:</source>
        <translation>Konsole, die Gateway %1 betreibt:</translation>
    </message>
    <message>
        <source>Change the owner of %1</source>
        <translation>Besitzer von %1 ändern</translation>
    </message>
</context>
<context>
    <name>ComposeDialog</name>
    <message>
        <source>Maximum (as the network allows)</source>
        <translation>Höchstens (so lange das Netz erlaubt)</translation>
    </message>
    <message>
        <source>1 hour</source>
        <translation>1 Stunde</translation>
    </message>
    <message>
        <source>6 hours</source>
        <translation>6 Stunden</translation>
    </message>
    <message>
        <source>1 day</source>
        <translation>1 Tag</translation>
    </message>
    <message>
        <source>2 days</source>
        <translation>2 Tage</translation>
    </message>
    <message>
        <source>1 week</source>
        <translation>1 Woche</translation>
    </message>
    <message>
        <source>Normal</source>
        <translation>Normal</translation>
    </message>
    <message>
        <source>High</source>
        <translation>Hoch</translation>
    </message>
    <message>
        <source>Urgent</source>
        <translation>Dringend</translation>
    </message>
    <message>
        <source>New message</source>
        <translation>Neue Nachricht</translation>
    </message>
    <message>
        <source>Contacts…</source>
        <translation>Kontakte…</translation>
    </message>
    <message>
        <source>Choose contacts and groups</source>
        <translation>Kontakte und Gruppen wählen</translation>
    </message>
    <message>
        <source>Import CSV…</source>
        <translation>CSV importieren…</translation>
    </message>
    <message>
        <source>Send to every row of a CSV file; its columns become {placeholders}</source>
        <translation type="vanished">An jede Zeile einer CSV-Datei senden; ihre Spalten werden zu {Platzhaltern}</translation>
    </message>
    <message>
        <source>Send to every row of a CSV file; its columns become {placeholders}. Dropping a CSV file on this window does the same.</source>
        <translation>An jede Zeile einer CSV-Datei senden; ihre Spalten werden zu {Platzhaltern}. Eine auf dieses Fenster gezogene CSV-Datei tut dasselbe.</translation>
    </message>
    <message>
        <source>Message text. {name} is replaced by each recipient&apos;s name.</source>
        <translation>Nachrichtentext. {name} wird durch den Namen jedes Empfängers ersetzt.</translation>
    </message>
    <message>
        <source>optional: number or up to 11 letters</source>
        <translation>optional: Nummer oder bis zu 11 Buchstaben</translation>
    </message>
    <message>
        <source>Any available gateway</source>
        <translation>Jedes verfügbare Gateway</translation>
    </message>
    <message>
        <source>&amp;Flash message</source>
        <translation>&amp;Flash-Nachricht</translation>
    </message>
    <message>
        <source>Shown on the screen at once, not stored by the phone</source>
        <translation>Sofort auf dem Bildschirm gezeigt, vom Telefon nicht gespeichert</translation>
    </message>
    <message>
        <source>&amp;Delivery report</source>
        <translation>&amp;Zustellbericht</translation>
    </message>
    <message>
        <source>Ask the network to report when the message is delivered</source>
        <translation>Das Netz melden lassen, wann die Nachricht zugestellt ist</translation>
    </message>
    <message>
        <source>Send &amp;at:</source>
        <translation>Senden &amp;um:</translation>
    </message>
    <message>
        <source>&amp;Send</source>
        <translation>&amp;Senden</translation>
    </message>
    <message>
        <source>Queue the message (Ctrl+Enter)</source>
        <translation>Die Nachricht einreihen (Strg+Eingabe)</translation>
    </message>
    <message>
        <source>this message</source>
        <translation>diese Nachricht</translation>
    </message>
    <message>
        <source>&amp;To:</source>
        <translation>&amp;An:</translation>
    </message>
    <message>
        <source>Options</source>
        <translation>Optionen</translation>
    </message>
    <message>
        <source>Sender ID:</source>
        <translation>Absenderkennung:</translation>
    </message>
    <message>
        <source>Gateway:</source>
        <translation>Gateway:</translation>
    </message>
    <message>
        <source>Validity:</source>
        <translation>Gültigkeit:</translation>
    </message>
    <message>
        <source>Priority:</source>
        <translation>Priorität:</translation>
    </message>
    <message>
        <source>No default country is set, so %s leaves as typed and most networks refuse it. Type the number with + and its country code, or set the country in Settings → General.</source>
        <translation>Es ist kein Standardland eingestellt, daher geht %s so hinaus, wie es eingegeben ist, und die meisten Netze lehnen es ab. Geben Sie die Nummer mit + und Landesvorwahl ein oder stellen Sie das Land unter Einstellungen → Allgemein ein.</translation>
    </message>
    <message>
        <source>All sending is paused: the message waits in the queue until sending is resumed (Gateway menu).</source>
        <translation>Alles Senden ist angehalten: Die Nachricht wartet in der Warteschlange, bis das Senden fortgesetzt wird (Menü Gateway).</translation>
    </message>
    <message>
        <source>No gateway can send now: the message waits in the queue until one is started in the Gateways tab.</source>
        <translation>Kein Gateway kann jetzt senden: Die Nachricht wartet in der Warteschlange, bis eines auf der Registerkarte Gateways gestartet wird.</translation>
    </message>
    <message>
        <source>Import recipients</source>
        <translation>Empfänger importieren</translation>
    </message>
    <message>
        <source>CSV files (*.csv *.txt);;All files (*)</source>
        <translation>CSV-Dateien (*.csv *.txt);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>The file %s cannot be read: %s</source>
        <translation>Die Datei %s kann nicht gelesen werden: %s</translation>
    </message>
    <message>
        <source>Enter at least one recipient number.</source>
        <translation>Geben Sie mindestens eine Empfängernummer ein.</translation>
    </message>
    <message>
        <source>The message is empty. Type the text to send.</source>
        <translation>Die Nachricht ist leer. Geben Sie den zu sendenden Text ein.</translation>
    </message>
    <message>
        <source>The text uses %s, but not every recipient has a value for it. Import a CSV file with such a column, or remove it from the text.</source>
        <translation>Der Text verwendet %s, aber nicht jeder Empfänger hat einen Wert dafür. Importieren Sie eine CSV-Datei mit einer solchen Spalte oder entfernen Sie ihn aus dem Text.</translation>
    </message>
    <message>
        <source>The send time is in the past. Choose a later time, or untick &quot;Send at&quot;.</source>
        <translation>Der Sendezeitpunkt liegt in der Vergangenheit. Wählen Sie eine spätere Zeit oder nehmen Sie den Haken bei „Senden um“ weg.</translation>
    </message>
    <message>
        <source>Send</source>
        <translation>Senden</translation>
    </message>
    <message>
        <source>Queueing the messages…</source>
        <translation>Die Nachrichten werden eingereiht…</translation>
    </message>
    <message>
        <source>… and %d more</source>
        <translation>… und %d weitere</translation>
    </message>
    <message numerus="yes">
        <source>%n message(s) queued. These recipients were refused; correct them and send again, or cancel:</source>
        <translation>
            <numerusform>%n Nachricht eingereiht. Diese Empfänger wurden abgelehnt; korrigieren Sie sie und senden Sie erneut, oder brechen Sie ab:</numerusform>
            <numerusform>%n Nachrichten eingereiht. Diese Empfänger wurden abgelehnt; korrigieren Sie sie und senden Sie erneut, oder brechen Sie ab:</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ContactEditor</name>
    <message>
        <source>Change contact</source>
        <translation>Kontakt ändern</translation>
    </message>
    <message>
        <source>Add contact</source>
        <translation>Kontakt hinzufügen</translation>
    </message>
    <message>
        <source>+4917612345678, or national with the default country</source>
        <translation>+4917612345678, oder national mit dem Standardland</translation>
    </message>
    <message>
        <source>Group names separated by ;</source>
        <translation>Gruppennamen, getrennt durch ;</translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation>&amp;Name:</translation>
    </message>
    <message>
        <source>N&amp;umber:</source>
        <translation>N&amp;ummer:</translation>
    </message>
    <message>
        <source>&amp;Groups:</source>
        <translation>&amp;Gruppen:</translation>
    </message>
    <message>
        <source>N&amp;ote:</source>
        <translation>N&amp;otiz:</translation>
    </message>
    <message>
        <source>Save contact</source>
        <translation>Kontakt speichern</translation>
    </message>
    <message>
        <source>%s. Correct it and save again.</source>
        <translation>%s. Korrigieren Sie es und speichern Sie erneut.</translation>
    </message>
</context>
<context>
    <name>ContactPicker</name>
    <message>
        <source>Choose recipients</source>
        <translation>Empfänger wählen</translation>
    </message>
    <message>
        <source>Filter by name or number</source>
        <translation>Nach Name oder Nummer filtern</translation>
    </message>
    <message>
        <source>Group %s (%d)</source>
        <translation>Gruppe %s (%d)</translation>
    </message>
    <message>
        <source>No contacts yet: add them with Tools → Contacts.</source>
        <translation>Noch keine Kontakte: fügen Sie sie unter Extras → Kontakte hinzu.</translation>
    </message>
</context>
<context>
    <name>ContactsDialog</name>
    <message>
        <source>Contacts</source>
        <translation>Kontakte</translation>
    </message>
    <message>
        <source>Find by name or number</source>
        <translation>Nach Name oder Nummer suchen</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Number</source>
        <translation>Nummer</translation>
    </message>
    <message>
        <source>Groups</source>
        <translation>Gruppen</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>Notiz</translation>
    </message>
    <message>
        <source>Add…</source>
        <translation>Hinzufügen…</translation>
    </message>
    <message>
        <source>Change…</source>
        <translation>Ändern…</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>Entfernen</translation>
    </message>
    <message>
        <source>New group…</source>
        <translation>Neue Gruppe…</translation>
    </message>
    <message>
        <source>Remove group</source>
        <translation>Gruppe entfernen</translation>
    </message>
    <message>
        <source>Import…</source>
        <translation>Importieren…</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>Exportieren…</translation>
    </message>
    <message>
        <source>All contacts</source>
        <translation>Alle Kontakte</translation>
    </message>
    <message>
        <source>No contacts yet. Add one, or import a CSV file or vCards.</source>
        <translation>Noch keine Kontakte. Fügen Sie einen hinzu oder importieren Sie eine CSV-Datei oder vCards.</translation>
    </message>
    <message numerus="yes">
        <source>%n contact(s) removed.</source>
        <translation>
            <numerusform>%n Kontakt entfernt.</numerusform>
            <numerusform>%n Kontakte entfernt.</numerusform>
        </translation>
    </message>
    <message>
        <source>New group</source>
        <translation>Neue Gruppe</translation>
    </message>
    <message>
        <source>Group name:</source>
        <translation>Gruppenname:</translation>
    </message>
    <message>
        <source>Import contacts</source>
        <translation>Kontakte importieren</translation>
    </message>
    <message>
        <source>Contacts (*.csv *.vcf *.vcard);;All files (*)</source>
        <translation>Kontakte (*.csv *.vcf *.vcard);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>Nothing was imported: %s</source>
        <translation>Nichts wurde importiert: %s</translation>
    </message>
    <message>
        <source>Importing contacts…</source>
        <translation>Kontakte werden importiert…</translation>
    </message>
    <message numerus="yes">
        <source>%n contact(s) imported.</source>
        <translation>
            <numerusform>%n Kontakt importiert.</numerusform>
            <numerusform>%n Kontakte importiert.</numerusform>
        </translation>
    </message>
    <message>
        <source>Not imported: </source>
        <translation>Nicht importiert: </translation>
    </message>
    <message>
        <source> … and %d more</source>
        <translation> … und %d weitere</translation>
    </message>
    <message>
        <source>Export contacts</source>
        <translation>Kontakte exportieren</translation>
    </message>
    <message>
        <source>vCard (*.vcf);;CSV (*.csv)</source>
        <translation>vCard (*.vcf);;CSV (*.csv)</translation>
    </message>
    <message>
        <source>The file could not be written: %s</source>
        <translation>Die Datei konnte nicht geschrieben werden: %s</translation>
    </message>
    <message>
        <source>Contacts exported to %s</source>
        <translation>Kontakte nach %s exportiert</translation>
    </message>
</context>
<context>
    <name>ConversationPane</name>
    <message>
        <source>Write a reply… (Ctrl+Enter sends)</source>
        <extracomment>The operator replied: the queued message.</extracomment>
        <translation>Antwort schreiben… (Strg+Eingabe sendet)</translation>
    </message>
    <message>
        <source>Send</source>
        <translation>Senden</translation>
    </message>
    <message>
        <source>Send the reply (Ctrl+Enter)</source>
        <translation>Die Antwort senden (Strg+Eingabe)</translation>
    </message>
    <message>
        <source>No conversations yet.
Received and sent messages appear here, grouped by correspondent.</source>
        <translation>Noch keine Unterhaltungen.
Empfangene und gesendete Nachrichten erscheinen hier, nach Gesprächspartner gruppiert.</translation>
    </message>
    <message>
        <source>Mark read</source>
        <translation>Als gelesen markieren</translation>
    </message>
    <message>
        <source>Choose a conversation on the left.</source>
        <translation>Wählen Sie links eine Unterhaltung.</translation>
    </message>
    <message>
        <source>The reply is empty. Type the text to send.</source>
        <translation>Die Antwort ist leer. Geben Sie den zu sendenden Text ein.</translation>
    </message>
    <message>
        <source>The reply was not queued: %s</source>
        <translation>Die Antwort wurde nicht eingereiht: %s</translation>
    </message>
</context>
<context>
    <name>CounterBar</name>
    <message>
        <source>Replace with GSM characters</source>
        <translation>Durch GSM-Zeichen ersetzen</translation>
    </message>
    <message>
        <source>Replace the highlighted characters with the nearest GSM ones (é → e, „ → &quot;), so the message costs fewer parts</source>
        <translation>Die markierten Zeichen durch die nächsten GSM-Zeichen ersetzen (é → e, „ → &quot;), damit die Nachricht weniger Teile kostet</translation>
    </message>
    <message>
        <source>Unicode because of: %s</source>
        <translation>Unicode wegen: %s</translation>
    </message>
</context>
<context>
    <name>CountryPage</name>
    <message>
        <source>Default country</source>
        <translation>Standardland</translation>
    </message>
    <message>
        <source>National numbers such as 0176 5550123 are sent with this country&apos;s code (+49 176 5550123). Without one they leave as typed, and most networks refuse them.</source>
        <translation>Nationale Nummern wie 0176 5550123 werden mit der Vorwahl dieses Landes gesendet (+49 176 5550123). Ohne Land gehen sie so hinaus, wie sie eingegeben sind, und die meisten Netze lehnen sie ab.</translation>
    </message>
    <message>
        <source>None: every number must start with + and its country code</source>
        <translation>Keines: Jede Nummer muss mit + und Landesvorwahl beginnen</translation>
    </message>
    <message>
        <source>Country:</source>
        <translation>Land:</translation>
    </message>
</context>
<context>
    <name>CsvImportDialog</name>
    <message>
        <source>Import recipients from %s</source>
        <translation>Empfänger aus %s importieren</translation>
    </message>
    <message>
        <source>The first row names the columns</source>
        <translation>Die erste Zeile benennt die Spalten</translation>
    </message>
    <message>
        <source>The column that holds the phone numbers</source>
        <translation>Die Spalte mit den Telefonnummern</translation>
    </message>
    <message>
        <source>Use these recipients</source>
        <translation>Diese Empfänger verwenden</translation>
    </message>
    <message>
        <source>&amp;Number column:</source>
        <translation>&amp;Nummernspalte:</translation>
    </message>
    <message>
        <source>Column %d</source>
        <translation>Spalte %d</translation>
    </message>
    <message numerus="yes">
        <source>%n recipient(s)</source>
        <translation>
            <numerusform>%n Empfänger</numerusform>
            <numerusform>%n Empfänger</numerusform>
        </translation>
    </message>
    <message>
        <source>; %d of them have a number that cannot be used and will be refused</source>
        <translation>; %d davon haben eine unbrauchbare Nummer und werden abgelehnt</translation>
    </message>
    <message>
        <source> (the first %d are shown)</source>
        <translation> (die ersten %d werden angezeigt)</translation>
    </message>
    <message>
        <source>Use in the text: %s</source>
        <translation>Im Text verwendbar: %s</translation>
    </message>
</context>
<context>
    <name>CustomerSessionModel</name>
    <message>
        <source>Session</source>
        <extracomment>How often the visible tab refreshes last-request times.</extracomment>
        <translation>Sitzung</translation>
    </message>
    <message>
        <source>User</source>
        <translation>Benutzer</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>Adresse</translation>
    </message>
    <message>
        <source>Protocol</source>
        <translation>Protokoll</translation>
    </message>
    <message>
        <source>Started</source>
        <translation>Begonnen</translation>
    </message>
    <message>
        <source>Last request</source>
        <translation>Letzte Anfrage</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Zustand</translation>
    </message>
    <message>
        <source>Mode</source>
        <translation>Modus</translation>
    </message>
    <message>
        <source>transmitter</source>
        <extracomment>An SMPP bind&apos;s mode, in the window&apos;s language (empty for HTTP sessions).</extracomment>
        <translation>Senden</translation>
    </message>
    <message>
        <source>receiver</source>
        <translation>Empfangen</translation>
    </message>
    <message>
        <source>transceiver</source>
        <translation>Senden und Empfangen</translation>
    </message>
    <message>
        <source>blocked</source>
        <translation type="vanished">gesperrt</translation>
    </message>
    <message>
        <source>stopped</source>
        <translation>gestoppt</translation>
    </message>
    <message>
        <source>closed</source>
        <translation>geschlossen</translation>
    </message>
</context>
<context>
    <name>DiscardGuard</name>
    <message>
        <source>Discard?</source>
        <translation>Verwerfen?</translation>
    </message>
    <message>
        <source>Discard %s? What you typed is lost.</source>
        <translation>%s verwerfen? Was Sie eingegeben haben, geht verloren.</translation>
    </message>
    <message>
        <source>&amp;Discard</source>
        <translation>&amp;Verwerfen</translation>
    </message>
    <message>
        <source>&amp;Keep editing</source>
        <translation>&amp;Weiter bearbeiten</translation>
    </message>
</context>
<context>
    <name>ErrorHook</name>
    <message>
        <source> The details are in the log file %s.</source>
        <translation> Die Einzelheiten stehen in der Protokolldatei %s.</translation>
    </message>
    <message>
        <source>Something went wrong: %s. The console goes on; what you were doing may not have finished.</source>
        <translation>Etwas ist schiefgegangen: %s. Die Konsole läuft weiter; was Sie gerade getan haben, ist vielleicht nicht abgeschlossen.</translation>
    </message>
    <message>
        <source>SMS Console</source>
        <translation>SMS Console</translation>
    </message>
</context>
<context>
    <name>ExportRunner</name>
    <message>
        <source>Counting the messages to export to %s…</source>
        <extracomment>The outcome (rows written, or the exception), once the window has shown it.</extracomment>
        <translation>Zähle die nach %s zu exportierenden Nachrichten…</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>Export</translation>
    </message>
    <message>
        <source>Exported %1 of %2 messages…</source>
        <translation>%1 von %2 Nachrichten exportiert…</translation>
    </message>
    <message>
        <source>Export failed</source>
        <translation>Export fehlgeschlagen</translation>
    </message>
    <message>
        <source>The messages could not be written to %s: %s
Choose another folder or free some space, then export again.</source>
        <translation>Die Nachrichten konnten nicht nach %s geschrieben werden: %s
Wählen Sie einen anderen Ordner oder schaffen Sie Platz, dann exportieren Sie erneut.</translation>
    </message>
    <message numerus="yes">
        <source>%n message(s) exported to %1</source>
        <translation>
            <numerusform>%n Nachricht nach %1 exportiert</numerusform>
            <numerusform>%n Nachrichten nach %1 exportiert</numerusform>
        </translation>
    </message>
    <message>
        <source>Export messages</source>
        <translation>Nachrichten exportieren</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>CSV-Dateien (*.csv)</translation>
    </message>
</context>
<context>
    <name>FilterBar</name>
    <message>
        <source>Any time</source>
        <extracomment>Date range choices: (label, days back; 0 = today; None = any time; -1 = chosen dates).</extracomment>
        <translation>Jederzeit</translation>
    </message>
    <message>
        <source>Today</source>
        <translation>Heute</translation>
    </message>
    <message>
        <source>Last 7 days</source>
        <translation>Letzte 7 Tage</translation>
    </message>
    <message>
        <source>Last 30 days</source>
        <translation>Letzte 30 Tage</translation>
    </message>
    <message>
        <source>Between…</source>
        <translation>Zwischen…</translation>
    </message>
    <message>
        <source>Search text and numbers (Ctrl+F)</source>
        <translation>Text und Nummern suchen (Strg+F)</translation>
    </message>
    <message>
        <source>Every word must match the beginning of a word or number</source>
        <translation>Jedes Wort muss zum Anfang eines Wortes oder einer Nummer passen</translation>
    </message>
    <message>
        <source>&amp;Unread only</source>
        <translation>Nur &amp;ungelesene</translation>
    </message>
    <message>
        <source>Show only messages in this state</source>
        <translation>Nur Nachrichten in diesem Zustand zeigen</translation>
    </message>
    <message>
        <source>Any status</source>
        <translation>Jeder Zustand</translation>
    </message>
    <message>
        <source>Show only messages of this gateway</source>
        <translation>Nur Nachrichten dieses Gateways zeigen</translation>
    </message>
    <message>
        <source>Show only messages of this period</source>
        <translation>Nur Nachrichten dieses Zeitraums zeigen</translation>
    </message>
    <message>
        <source>and</source>
        <translation>und</translation>
    </message>
    <message>
        <source>All gateways</source>
        <translation>Alle Gateways</translation>
    </message>
</context>
<context>
    <name>FirstRunAssistant</name>
    <message>
        <source>Set up SMS Console</source>
        <translation>SMS Console einrichten</translation>
    </message>
    <message>
        <source>SMS Console test message: it works.</source>
        <translation>Testnachricht von SMS Console: Es funktioniert.</translation>
    </message>
</context>
<context>
    <name>GatewayDialog</name>
    <message>
        <source>one transceiver bind</source>
        <extracomment>Secret settings kept in the platform keyring; the others (a SIM PIN) are stored with the gateway. Hidden settings a kind shows all the same (an SMPP provider&apos;s window is part of its contract). Values proposed for a new gateway of a kind, where its own default is empty. Where each kind&apos;s own choices are shown in words.</extracomment>
        <translation>eine Transceiver-Bindung</translation>
    </message>
    <message>
        <source>a transmitter and a receiver bind</source>
        <translation>eine Transmitter- und eine Receiver-Bindung</translation>
    </message>
    <message>
        <source>0 — SMSC default alphabet (GSM)</source>
        <translation>0 — Standardalphabet des SMSC (GSM)</translation>
    </message>
    <message>
        <source>1 — IA5 (ASCII)</source>
        <translation>1 — IA5 (ASCII)</translation>
    </message>
    <message>
        <source>3 — Latin-1</source>
        <translation>3 — Latin-1</translation>
    </message>
    <message>
        <source>parts with a concatenation header (UDH)</source>
        <translation>Teile mit Verkettungs-Header (UDH)</translation>
    </message>
    <message>
        <source>parts with SAR options</source>
        <translation>Teile mit SAR-Optionen</translation>
    </message>
    <message>
        <source>whole, in message_payload</source>
        <translation>ganz, in message_payload</translation>
    </message>
    <message>
        <source> s</source>
        <extracomment>Units of numeric settings, shown after the number.</extracomment>
        <translation> s</translation>
    </message>
    <message>
        <source> h</source>
        <translation> h</translation>
    </message>
    <message>
        <source> /s</source>
        <translation> /s</translation>
    </message>
    <message>
        <source>Speed (baud)</source>
        <extracomment>Field labels of the settings whose names read badly as words; the others are their names, capitalised.</extracomment>
        <translation>Geschwindigkeit (Baud)</translation>
    </message>
    <message>
        <source>SIM PIN</source>
        <translation>SIM-PIN</translation>
    </message>
    <message>
        <source>Most per minute</source>
        <translation>Höchstens pro Minute</translation>
    </message>
    <message>
        <source>Most per day</source>
        <translation>Höchstens pro Tag</translation>
    </message>
    <message>
        <source>Own number</source>
        <translation>Eigene Nummer</translation>
    </message>
    <message>
        <source>Service centre (SMSC)</source>
        <translation>Kurzmitteilungszentrale (SMSC)</translation>
    </message>
    <message>
        <source>Message storage</source>
        <translation>Nachrichtenspeicher</translation>
    </message>
    <message>
        <source>AT+CNMI parameters</source>
        <translation>AT+CNMI-Parameter</translation>
    </message>
    <message>
        <source>Modem profile</source>
        <translation>Modemprofil</translation>
    </message>
    <message>
        <source>URL</source>
        <translation>URL</translation>
    </message>
    <message>
        <source>Second URL</source>
        <translation>Zweite URL</translation>
    </message>
    <message>
        <source>Password variable</source>
        <translation>Passwort-Variable</translation>
    </message>
    <message>
        <source>Secrets file</source>
        <translation>Geheimnisdatei</translation>
    </message>
    <message>
        <source>Check TLS certificate</source>
        <translation>TLS-Zertifikat prüfen</translation>
    </message>
    <message>
        <source>Simulator send delay</source>
        <translation>Sendeverzögerung des Simulators</translation>
    </message>
    <message>
        <source>TLS</source>
        <translation>TLS</translation>
    </message>
    <message>
        <source>System ID</source>
        <translation>System-ID</translation>
    </message>
    <message>
        <source>System type</source>
        <translation>Systemtyp</translation>
    </message>
    <message>
        <source>Bind</source>
        <translation>Bindung</translation>
    </message>
    <message>
        <source>Sender TON (-1: automatic)</source>
        <translation>Absender-TON (-1: automatisch)</translation>
    </message>
    <message>
        <source>Sender NPI (-1: automatic)</source>
        <translation>Absender-NPI (-1: automatisch)</translation>
    </message>
    <message>
        <source>Recipient TON (-1: automatic)</source>
        <translation>Empfänger-TON (-1: automatisch)</translation>
    </message>
    <message>
        <source>Recipient NPI (-1: automatic)</source>
        <translation>Empfänger-NPI (-1: automatisch)</translation>
    </message>
    <message>
        <source>Default data_coding</source>
        <translation>Standard-data_coding</translation>
    </message>
    <message>
        <source>Long messages</source>
        <translation>Lange Nachrichten</translation>
    </message>
    <message>
        <source>Window</source>
        <translation>Fenster</translation>
    </message>
    <message>
        <source>Most per second (0: no limit)</source>
        <translation>Höchstens pro Sekunde (0: keine Grenze)</translation>
    </message>
    <message>
        <source>enquire_link interval</source>
        <translation>enquire_link-Abstand</translation>
    </message>
    <message>
        <source>Timeout</source>
        <translation>Zeitlimit</translation>
    </message>
    <message>
        <source>Reconnect after</source>
        <translation>Neu verbinden nach</translation>
    </message>
    <message>
        <source>Reconnect after at most</source>
        <translation>Neu verbinden nach höchstens</translation>
    </message>
    <message>
        <source>Pause when throttled</source>
        <translation>Pause bei Drosselung</translation>
    </message>
    <message>
        <source>Match receipts for</source>
        <translation>Zustellberichte zuordnen für</translation>
    </message>
    <message>
        <source>Await outbind at (host:port)</source>
        <translation>Outbind erwarten an (Host:Port)</translation>
    </message>
    <message>
        <source>Outbind system ID</source>
        <translation>System-ID des Outbind</translation>
    </message>
    <message>
        <source>Recognise resent messages for</source>
        <translation>Erneut gesendete Nachrichten erkennen für</translation>
    </message>
    <message>
        <source>detect from the modem&apos;s identity</source>
        <translation>aus der Kennung des Modems erkennen</translation>
    </message>
    <message>
        <source>Gateway %s</source>
        <extracomment>Where a password goes: the platform keyring, or (the fallback the operator chose) the secrets file.</extracomment>
        <translation>Gateway %s</translation>
    </message>
    <message>
        <source>Change gateway %s</source>
        <translation>Gateway %s ändern</translation>
    </message>
    <message>
        <source>Add %s</source>
        <translation>%s hinzufügen</translation>
    </message>
    <message>
        <source>A unique name, e.g. Retarus or Office modem</source>
        <translation>Ein eindeutiger Name, z. B. Retarus oder Büromodem</translation>
    </message>
    <message>
        <source>Name:</source>
        <translation>Name:</translation>
    </message>
    <message>
        <source> (kept in the keyring)</source>
        <translation> (im Schlüsselbund verwahrt)</translation>
    </message>
    <message>
        <source>unchanged</source>
        <translation>unverändert</translation>
    </message>
    <message>
        <source>Keep the password in the secrets file</source>
        <translation>Passwort in der Geheimnisdatei ablegen</translation>
    </message>
    <message>
        <source>Write it to %s, readable by you only, and save the gateway</source>
        <translation>In %s schreiben (nur für Sie lesbar) und das Gateway speichern</translation>
    </message>
    <message>
        <source>this gateway&apos;s settings</source>
        <translation>die Einstellungen dieses Gateways</translation>
    </message>
    <message>
        <source>The password could not be kept in the keyring: %s.
Nothing you typed is lost. Keep the password in the secrets file %s (readable by you only), or clear Password and name an environment variable that holds it in &quot;Password variable&quot;, then save.</source>
        <translation>Das Passwort konnte nicht im Schlüsselbund abgelegt werden: %s.
Nichts von Ihrer Eingabe ist verloren. Legen Sie das Passwort in der Geheimnisdatei %s ab (nur für Sie lesbar), oder leeren Sie „Passwort“ und nennen Sie unter „Passwort-Variable“ eine Umgebungsvariable, die es enthält; dann speichern.</translation>
    </message>
    <message>
        <source>Give the gateway a name.</source>
        <translation>Geben Sie dem Gateway einen Namen.</translation>
    </message>
    <message>
        <source>A gateway named %s exists already; choose another name.</source>
        <translation>Ein Gateway namens %s gibt es schon; wählen Sie einen anderen Namen.</translation>
    </message>
    <message>
        <source>%s is needed: %s</source>
        <translation>%s wird benötigt: %s</translation>
    </message>
    <message>
        <source>%s: %s.
Correct it and save again.</source>
        <translation>%s: %s.
Korrigieren Sie es und speichern Sie erneut.</translation>
    </message>
    <message>
        <source>%s
Correct it and save again.</source>
        <translation>%s
Korrigieren Sie es und speichern Sie erneut.</translation>
    </message>
</context>
<context>
    <name>GatewayKinds</name>
    <message>
        <source>Simulator</source>
        <extracomment>Kinds this dialog adds (modems have their own dialog with port discovery).</extracomment>
        <translation>Simulator</translation>
    </message>
    <message>
        <source>Retarus provider</source>
        <translation>Retarus-Anbieter</translation>
    </message>
    <message>
        <source>SMPP provider</source>
        <translation>SMPP-Anbieter</translation>
    </message>
    <message>
        <source>Modem</source>
        <extracomment>Kinds this dialog changes.</extracomment>
        <translation>Modem</translation>
    </message>
</context>
<context>
    <name>GatewayPage</name>
    <message>
        <source>The first gateway</source>
        <translation>Das erste Gateway</translation>
    </message>
    <message>
        <source>Messages leave through a gateway: a USB GSM modem, a provider, or the built-in simulator, which sends nothing and lets you try the console.</source>
        <translation>Nachrichten gehen über ein Gateway hinaus: ein USB-GSM-Modem, einen Anbieter oder den eingebauten Simulator, der nichts sendet und zum Ausprobieren dient.</translation>
    </message>
    <message>
        <source>The built-in simulator (no hardware)</source>
        <translation>Der eingebaute Simulator (keine Hardware)</translation>
    </message>
    <message>
        <source>A modem on this machine:</source>
        <translation>Ein Modem an diesem Rechner:</translation>
    </message>
    <message>
        <source>A provider (Retarus)</source>
        <translation>Ein Anbieter (Retarus)</translation>
    </message>
    <message>
        <source>none found (plug one in, or add it later in Gateways)</source>
        <translation>keines gefunden (eines anstecken oder später unter Gateways hinzufügen)</translation>
    </message>
    <message>
        <source>none</source>
        <translation>keine</translation>
    </message>
    <message>
        <source>Gateways now: %s. More can be added in the Gateways tab.</source>
        <translation>Gateways jetzt: %s. Weitere lassen sich auf der Registerkarte Gateways hinzufügen.</translation>
    </message>
</context>
<context>
    <name>GatewayTableModel</name>
    <message>
        <source>Name</source>
        <extracomment>States from which Start brings a gateway up (a disconnected modem reconnects by itself). States in which the gateway holds its connection, so its signal and operator are current.</extracomment>
        <translation>Name</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>Art</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Zustand</translation>
    </message>
    <message>
        <source>Sent</source>
        <translation>Gesendet</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Fehlgeschlagen</translation>
    </message>
    <message>
        <source>Received</source>
        <translation>Empfangen</translation>
    </message>
    <message>
        <source>In progress</source>
        <translation>In Arbeit</translation>
    </message>
    <message>
        <source>Signal</source>
        <translation>Signal</translation>
    </message>
    <message>
        <source>Last hour</source>
        <translation>Letzte Stunde</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>Details</translation>
    </message>
    <message>
        <source>all sending paused</source>
        <translation>alles Senden angehalten</translation>
    </message>
    <message>
        <source>Pause all sending holds every outgoing message in the queue; this gateway still receives. Resume all sending to send again.</source>
        <translation>„Alles Senden anhalten“ hält jede ausgehende Nachricht in der Warteschlange; dieses Gateway empfängt weiter. „Alles Senden fortsetzen“ sendet wieder.</translation>
    </message>
    <message>
        <source>No signal reading while the modem is %s</source>
        <translation>Keine Signalmessung, solange das Modem %s ist</translation>
    </message>
    <message>
        <source>Messages sent per minute over the last hour: %d in all</source>
        <translation>Gesendete Nachrichten pro Minute in der letzten Stunde: %d insgesamt</translation>
    </message>
</context>
<context>
    <name>GatewaysTab</name>
    <message>
        <source>Add %s…</source>
        <translation>%s hinzufügen…</translation>
    </message>
    <message>
        <source>Add</source>
        <translation>Hinzufügen</translation>
    </message>
    <message>
        <source>Add a gateway</source>
        <translation>Ein Gateway hinzufügen</translation>
    </message>
    <message>
        <source>Add modem…</source>
        <translation>Modem hinzufügen…</translation>
    </message>
    <message>
        <source>Find a USB modem, probe it and add it as a gateway</source>
        <translation>Ein USB-Modem finden, prüfen und als Gateway hinzufügen</translation>
    </message>
    <message>
        <source>Change…</source>
        <translation>Ändern…</translation>
    </message>
    <message>
        <source>Change the selected gateway&apos;s settings</source>
        <translation>Die Einstellungen des gewählten Gateways ändern</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>Entfernen</translation>
    </message>
    <message>
        <source>Remove the selected gateway</source>
        <translation>Das gewählte Gateway entfernen</translation>
    </message>
    <message>
        <source>Start</source>
        <translation>Starten</translation>
    </message>
    <message>
        <source>Start the selected gateways</source>
        <translation>Die gewählten Gateways starten</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>Stoppen</translation>
    </message>
    <message>
        <source>Stop the selected gateways; waiting messages stay queued</source>
        <translation>Die gewählten Gateways stoppen; wartende Nachrichten bleiben eingereiht</translation>
    </message>
    <message>
        <source>Restart</source>
        <translation>Neu starten</translation>
    </message>
    <message>
        <source>Stop and start the selected gateways</source>
        <translation>Die gewählten Gateways stoppen und starten</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>Anhalten</translation>
    </message>
    <message>
        <source>Hold sending on the selected gateways</source>
        <translation>Das Senden auf den gewählten Gateways anhalten</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>Fortsetzen</translation>
    </message>
    <message>
        <source>Send again on the selected gateways</source>
        <translation>Auf den gewählten Gateways wieder senden</translation>
    </message>
    <message>
        <source>Reset send limit</source>
        <translation>Limit zurücksetzen</translation>
    </message>
    <message>
        <source>Start the selected gateways&apos; daily and hourly counts from zero</source>
        <translation>Die Tages- und Stundenzählung der gewählten Gateways bei null beginnen</translation>
    </message>
    <message>
        <source>Accept modem/SIM</source>
        <translation>Modem/SIM übernehmen</translation>
    </message>
    <message>
        <source>Take the new SIM (or modem) the selected modem gateways found as theirs, so they send again</source>
        <translation>Die neue SIM (oder das neue Modem), die die ausgewählten Modem-Gateways gefunden haben, als ihre übernehmen, damit sie wieder senden</translation>
    </message>
    <message>
        <source>No gateways yet. Add one with Add → Simulator, a Retarus provider, an SMPP provider or a modem.</source>
        <translation>Noch keine Gateways. Fügen Sie eines mit Hinzufügen → Simulator, einem Retarus-Anbieter, einem SMPP-Anbieter oder einem Modem hinzu.</translation>
    </message>
    <message>
        <source>; all sending is paused, it only receives</source>
        <translation>; alles Senden ist angehalten, es empfängt nur</translation>
    </message>
    <message>
        <source>No gateway selected.</source>
        <translation>Kein Gateway gewählt.</translation>
    </message>
    <message>
        <source>No gateways yet. Add one with Add → Simulator, a Retarus provider or a modem.</source>
        <translation type="vanished">Noch keine Gateways. Fügen Sie eines mit Hinzufügen → Simulator, einem Retarus-Anbieter oder einem Modem hinzu.</translation>
    </message>
    <message>
        <source>The gateway was not added: %s</source>
        <translation>Das Gateway wurde nicht hinzugefügt: %s</translation>
    </message>
    <message>
        <source>Start %s</source>
        <translation>%s starten</translation>
    </message>
    <message>
        <source>Add %s</source>
        <translation>%s hinzufügen</translation>
    </message>
    <message>
        <source>%s is declared in the configuration file. Change it there: the file is read again when the console starts, and would undo a change made here. Start, Stop and the other buttons of this tab work as for any gateway.</source>
        <translation>%s ist in der Konfigurationsdatei festgelegt. Ändern Sie es dort: Die Datei wird beim Start der Konsole neu gelesen und würde eine hier gemachte Änderung rückgängig machen. Starten, Stoppen und die anderen Knöpfe dieses Reiters wirken wie bei jedem Gateway.</translation>
    </message>
    <message>
        <source>The settings of a %s gateway are changed in the configuration file.</source>
        <translation>Die Einstellungen eines %s-Gateways werden in der Konfigurationsdatei geändert.</translation>
    </message>
    <message>
        <source>Restarting %s with its new settings…</source>
        <translation>%s wird mit den neuen Einstellungen neu gestartet…</translation>
    </message>
    <message>
        <source>Change %s</source>
        <translation>%s ändern</translation>
    </message>
    <message>
        <source>Remove gateway</source>
        <translation>Gateway entfernen</translation>
    </message>
    <message>
        <source>Remove %s? Its waiting messages go to the other gateways.</source>
        <translation>%s entfernen? Seine wartenden Nachrichten gehen an die anderen Gateways.</translation>
    </message>
    <message>
        <source>Remove %s</source>
        <translation>%s entfernen</translation>
    </message>
    <message>
        <source>No traffic yet. The gateway&apos;s dialogue with its modem or provider appears here, most recent first.</source>
        <translation type="vanished">Noch kein Verkehr. Der Dialog des Gateways mit seinem Modem oder Anbieter erscheint hier, der neueste zuerst.</translation>
    </message>
    <message>
        <source>Copy log</source>
        <translation type="vanished">Protokoll kopieren</translation>
    </message>
    <message>
        <source>Copy the whole traffic log, for a support request</source>
        <translation type="vanished">Das ganze Verkehrsprotokoll kopieren, für eine Supportanfrage</translation>
    </message>
    <message>
        <source>Add gateway</source>
        <translation type="vanished">Gateway hinzufügen</translation>
    </message>
    <message>
        <source>Password not stored</source>
        <translation type="vanished">Passwort nicht gespeichert</translation>
    </message>
    <message>
        <source>The password could not be kept in the keyring (%s). Put it in an environment variable named in &quot;password env&quot;, or in the secrets file, and save again.</source>
        <translation type="vanished">Das Passwort konnte nicht im Schlüsselbund verwahrt werden (%s). Legen Sie es in eine Umgebungsvariable, deren Name unter „password env“ steht, oder in die Geheimnisdatei, und speichern Sie erneut.</translation>
    </message>
</context>
<context>
    <name>HistoryDialog</name>
    <message>
        <source>History of the message to %s</source>
        <translation>Verlauf der Nachricht an %s</translation>
    </message>
    <message>
        <source>History of the message from %s</source>
        <translation>Verlauf der Nachricht von %s</translation>
    </message>
    <message>
        <source>Now: %s</source>
        <translation>Jetzt: %s</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Zeit</translation>
    </message>
    <message>
        <source>Event</source>
        <translation>Ereignis</translation>
    </message>
    <message>
        <source>Gateway</source>
        <translation>Gateway</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>Details</translation>
    </message>
    <message>
        <source>Reading the message&apos;s history</source>
        <extracomment>Set once the journal is read and shown (tests await it).</extracomment>
        <translation>Der Verlauf der Nachricht wird gelesen</translation>
    </message>
    <message>
        <source>Part %d %s</source>
        <translation>Teil %d %s</translation>
    </message>
    <message>
        <source>Received</source>
        <translation>Empfangen</translation>
    </message>
    <message>
        <source>Handed to the gateway</source>
        <translation>An das Gateway übergeben</translation>
    </message>
    <message>
        <source>Back in the queue</source>
        <translation>Zurück in der Warteschlange</translation>
    </message>
    <message>
        <source>Queued again</source>
        <translation>Erneut eingereiht</translation>
    </message>
    <message>
        <source> (console %s)</source>
        <translation> (Konsole %s)</translation>
    </message>
    <message>
        <source>No history: the message is gone</source>
        <translation>Kein Verlauf: Die Nachricht gibt es nicht mehr</translation>
    </message>
</context>
<context>
    <name>HorizontalBars</name>
    <message>
        <source>Reason</source>
        <translation>Grund</translation>
    </message>
</context>
<context>
    <name>InboxModel</name>
    <message>
        <source>Received</source>
        <translation>Empfangen</translation>
    </message>
    <message>
        <source>From</source>
        <translation>Von</translation>
    </message>
    <message>
        <source>(sent)</source>
        <translation>(gesendet)</translation>
    </message>
    <message>
        <source>Text</source>
        <translation>Text</translation>
    </message>
    <message>
        <source>Gateway</source>
        <translation>Gateway</translation>
    </message>
    <message>
        <source>To</source>
        <translation>An</translation>
    </message>
</context>
<context>
    <name>InboxTab</name>
    <message>
        <source>Sent &amp;too</source>
        <extracomment>Something to tell in the status bar (deleted with undo, exported...). Forward: open the compose dialog with this text. The page shown (CONVERSATIONS or MESSAGES) changed.</extracomment>
        <translation>Auch &amp;gesendete</translation>
    </message>
    <message>
        <source>Search and list sent messages as well as received ones</source>
        <translation>Gesendete Nachrichten ebenso wie empfangene suchen und auflisten</translation>
    </message>
    <message>
        <source>Conversations</source>
        <translation>Unterhaltungen</translation>
    </message>
    <message>
        <source>Messages grouped by correspondent</source>
        <translation>Nachrichten nach Gesprächspartner gruppiert</translation>
    </message>
    <message>
        <source>All messages</source>
        <translation>Alle Nachrichten</translation>
    </message>
    <message>
        <source>Every message as a table, with search and filters</source>
        <translation>Jede Nachricht als Tabelle, mit Suche und Filtern</translation>
    </message>
    <message>
        <source>Switch view</source>
        <translation>Ansicht wechseln</translation>
    </message>
    <message>
        <source>Switch between conversations and all messages</source>
        <translation>Zwischen Unterhaltungen und allen Nachrichten wechseln</translation>
    </message>
    <message>
        <source>&amp;Reply</source>
        <translation>&amp;Antworten</translation>
    </message>
    <message>
        <source>Reply to the sender in the conversation</source>
        <translation>Dem Absender in der Unterhaltung antworten</translation>
    </message>
    <message>
        <source>&amp;Forward…</source>
        <translation>&amp;Weiterleiten…</translation>
    </message>
    <message>
        <source>Send the text of the message to someone else</source>
        <translation>Den Text der Nachricht an jemand anderen senden</translation>
    </message>
    <message>
        <source>Mark read</source>
        <translation>Als gelesen markieren</translation>
    </message>
    <message>
        <source>Mark the selected messages read</source>
        <translation>Die gewählten Nachrichten als gelesen markieren</translation>
    </message>
    <message>
        <source>Mark unread</source>
        <translation>Als ungelesen markieren</translation>
    </message>
    <message>
        <source>Mark the selected messages unread</source>
        <translation>Die gewählten Nachrichten als ungelesen markieren</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>Löschen</translation>
    </message>
    <message>
        <source>Delete the selected messages (undo with Ctrl+Z)</source>
        <translation>Die gewählten Nachrichten löschen (rückgängig mit Strg+Z)</translation>
    </message>
    <message>
        <source>Undo delete</source>
        <translation>Löschen rückgängig</translation>
    </message>
    <message>
        <source>Bring back the messages deleted last</source>
        <translation>Die zuletzt gelöschten Nachrichten zurückholen</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>Kopieren</translation>
    </message>
    <message>
        <source>Copy the selected messages as text</source>
        <translation>Die gewählten Nachrichten als Text kopieren</translation>
    </message>
    <message>
        <source>Export selected…</source>
        <translation>Gewählte exportieren…</translation>
    </message>
    <message>
        <source>Export all shown…</source>
        <translation>Alle angezeigten exportieren…</translation>
    </message>
    <message>
        <source>Export every message the search and filters select</source>
        <translation>Jede Nachricht exportieren, die Suche und Filter auswählen</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>Export</translation>
    </message>
    <message>
        <source>Export messages to a CSV file</source>
        <translation>Nachrichten in eine CSV-Datei exportieren</translation>
    </message>
    <message>
        <source>Searching…</source>
        <translation>Suche…</translation>
    </message>
    <message>
        <source>The search failed: %s</source>
        <translation>Die Suche ist fehlgeschlagen: %s</translation>
    </message>
    <message>
        <source>No messages match the search and filters.
Change them, or clear the search field.</source>
        <translation>Keine Nachricht passt zu Suche und Filtern.
Ändern Sie sie oder leeren Sie das Suchfeld.</translation>
    </message>
    <message>
        <source>No messages received yet.
Messages your gateways receive appear here.</source>
        <translation>Noch keine Nachrichten empfangen.
Nachrichten, die Ihre Gateways empfangen, erscheinen hier.</translation>
    </message>
</context>
<context>
    <name>JobListModel</name>
    <message>
        <source>All messages</source>
        <translation>Alle Nachrichten</translation>
    </message>
    <message>
        <source>%1 of %2 done</source>
        <translation>%1 von %2 erledigt</translation>
    </message>
    <message>
        <source>Job %s, submitted %s from %s%s; %d failed</source>
        <translation>Auftrag %s, eingereicht %s von %s%s; %d fehlgeschlagen</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Opening the message store…</source>
        <translation>Der Nachrichtenspeicher wird geöffnet…</translation>
    </message>
    <message>
        <source>&amp;Inbox</source>
        <translation>Post&amp;eingang</translation>
    </message>
    <message>
        <source>&amp;Outbox</source>
        <translation>Post&amp;ausgang</translation>
    </message>
    <message>
        <source>S&amp;essions</source>
        <translation>S&amp;itzungen</translation>
    </message>
    <message>
        <source>&amp;Gateways</source>
        <translation>&amp;Gateways</translation>
    </message>
    <message>
        <source>S&amp;tatistics</source>
        <translation>S&amp;tatistik</translation>
    </message>
    <message>
        <source>Reply queued</source>
        <translation>Antwort eingereiht</translation>
    </message>
    <message>
        <source>Gate&amp;way</source>
        <translation>Gate&amp;way</translation>
    </message>
    <message>
        <source>&amp;New message…</source>
        <translation>&amp;Neue Nachricht…</translation>
    </message>
    <message>
        <source>Write and send a message</source>
        <translation>Eine Nachricht schreiben und senden</translation>
    </message>
    <message>
        <source>&amp;Find messages</source>
        <translation>Nachrichten &amp;suchen</translation>
    </message>
    <message>
        <source>Search all messages</source>
        <translation>Alle Nachrichten durchsuchen</translation>
    </message>
    <message>
        <source>&amp;Contacts…</source>
        <translation>&amp;Kontakte…</translation>
    </message>
    <message>
        <source>Contacts and groups</source>
        <translation>Kontakte und Gruppen</translation>
    </message>
    <message>
        <source>&amp;Settings…</source>
        <translation>&amp;Einstellungen…</translation>
    </message>
    <message>
        <source>Settings of the console</source>
        <translation>Einstellungen der Konsole</translation>
    </message>
    <message>
        <source>Simulate &amp;incoming message</source>
        <translation>Eingehende Nachricht s&amp;imulieren</translation>
    </message>
    <message>
        <source>Have the simulated gateway receive a message</source>
        <translation>Das simulierte Gateway eine Nachricht empfangen lassen</translation>
    </message>
    <message>
        <source>&amp;Refresh</source>
        <translation>&amp;Aktualisieren</translation>
    </message>
    <message>
        <source>Read the lists again</source>
        <translation>Die Listen neu lesen</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <source>&amp;About</source>
        <translation>&amp;Über</translation>
    </message>
    <message>
        <source>&amp;Keyboard shortcuts</source>
        <translation>&amp;Tastenkürzel</translation>
    </message>
    <message>
        <source>&amp;First-run assistant…</source>
        <translation>&amp;Einrichtungsassistent…</translation>
    </message>
    <message>
        <source>Default country, an API user with a curl example, the first gateway and a test message</source>
        <translation>Standardland, ein API-Benutzer mit curl-Beispiel, das erste Gateway und eine Testnachricht</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>&amp;Bearbeiten</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>A&amp;nsicht</translation>
    </message>
    <message>
        <source>&amp;Tools</source>
        <translation>E&amp;xtras</translation>
    </message>
    <message>
        <source>&amp;Opt-out list…</source>
        <translation>&amp;Sperrliste…</translation>
    </message>
    <message>
        <source>Numbers no message may be sent to</source>
        <translation>Nummern, an die keine Nachricht gehen darf</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Hilfe</translation>
    </message>
    <message>
        <source>Main</source>
        <translation>Haupt</translation>
    </message>
    <message numerus="yes">
        <source>%n message(s) queued</source>
        <translation>
            <numerusform>%n Nachricht eingereiht</numerusform>
            <numerusform>%n Nachrichten eingereiht</numerusform>
        </translation>
    </message>
    <message>
        <source>Keyboard shortcuts</source>
        <translation>Tastenkürzel</translation>
    </message>
    <message>
        <source>About %s</source>
        <translation>Über %s</translation>
    </message>
    <message>
        <source>%s %s
Send and receive SMS through USB GSM modems and REST providers.</source>
        <translation>%s %s
SMS über USB-GSM-Modems und REST-Anbieter senden und empfangen.</translation>
    </message>
    <message numerus="yes">
        <source>%n unread</source>
        <translation>
            <numerusform>%n ungelesen</numerusform>
            <numerusform>%n ungelesen</numerusform>
        </translation>
    </message>
    <message>
        <source>The console cannot start</source>
        <translation>Die Konsole kann nicht starten</translation>
    </message>
    <message>
        <source>SMPP server not available</source>
        <translation>SMPP-Server nicht verfügbar</translation>
    </message>
    <message>
        <source>The SMPP server is not served: %s.

Choose another address in [smpp] listen of the configuration file and restart. Sending and receiving work meanwhile.</source>
        <translation>Der SMPP-Server wird nicht angeboten: %s.

Wählen Sie eine andere Adresse in [smpp] listen der Konfigurationsdatei und starten Sie neu. Senden und Empfangen funktionieren derweil.</translation>
    </message>
    <message>
        <source>HTTP API not available</source>
        <translation>HTTP-API nicht verfügbar</translation>
    </message>
    <message>
        <source>The HTTP API is not served: %s.

If another program uses this address, choose another one in [api] listen of the configuration file (or fix tls_cert and tls_key) and restart. Sending and receiving work meanwhile.</source>
        <translation>Die HTTP-API wird nicht angeboten: %s.

Wenn ein anderes Programm diese Adresse nutzt, wählen Sie unter [api] listen in der Konfigurationsdatei eine andere (oder korrigieren Sie tls_cert und tls_key) und starten Sie neu. Senden und Empfangen funktionieren derweil.</translation>
    </message>
    <message>
        <source>HTTP API on %s</source>
        <translation>HTTP-API auf %s</translation>
    </message>
    <message>
        <source>&amp;Cluster…</source>
        <translation>&amp;Verbund…</translation>
    </message>
    <message>
        <source>The consoles sharing the store and their gateways</source>
        <translation>Die Konsolen, die sich den Speicher teilen, und ihre Gateways</translation>
    </message>
    <message>
        <source>Simulate incoming message</source>
        <translation type="vanished">Eingehende Nachricht simulieren</translation>
    </message>
</context>
<context>
    <name>MessageActions</name>
    <message>
        <source>Delete</source>
        <translation>Löschen</translation>
    </message>
    <message numerus="yes">
        <source>%n message(s) deleted. Undo with Ctrl+Z.</source>
        <translation>
            <numerusform>%n Nachricht gelöscht. Rückgängig mit Strg+Z.</numerusform>
            <numerusform>%n Nachrichten gelöscht. Rückgängig mit Strg+Z.</numerusform>
        </translation>
    </message>
    <message>
        <source>Undo delete</source>
        <translation>Löschen rückgängig</translation>
    </message>
    <message numerus="yes">
        <source>%n message(s) restored.</source>
        <translation>
            <numerusform>%n Nachricht wiederhergestellt.</numerusform>
            <numerusform>%n Nachrichten wiederhergestellt.</numerusform>
        </translation>
    </message>
    <message>
        <source>Select the messages to export first.</source>
        <translation>Wählen Sie zuerst die zu exportierenden Nachrichten.</translation>
    </message>
</context>
<context>
    <name>MessageTableModel</name>
    <message>
        <source>Text</source>
        <extracomment>A page arrived (or the list was reset); ``loading`` is False again.</extracomment>
        <translation>Text</translation>
    </message>
</context>
<context>
    <name>Notifier</name>
    <message>
        <source>Show window</source>
        <translation>Fenster zeigen</translation>
    </message>
    <message>
        <source>New message…</source>
        <translation>Neue Nachricht…</translation>
    </message>
    <message>
        <source>New message from %s: %s</source>
        <extracomment>What was told last (for the status bar and tests).</extracomment>
        <translation>Neue Nachricht von %s: %s</translation>
    </message>
    <message>
        <source>New message from %s</source>
        <translation>Neue Nachricht von %s</translation>
    </message>
    <message>
        <source>Gateway %s</source>
        <translation>Gateway %s</translation>
    </message>
    <message numerus="yes">
        <source>%n unread</source>
        <translation>
            <numerusform>%n ungelesen</numerusform>
            <numerusform>%n ungelesen</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>OutboxModel</name>
    <message>
        <source>Queued</source>
        <translation>Eingereiht</translation>
    </message>
    <message>
        <source>To</source>
        <translation>An</translation>
    </message>
    <message>
        <source>Text</source>
        <translation>Text</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Zustand</translation>
    </message>
    <message>
        <source>Gateway</source>
        <translation>Gateway</translation>
    </message>
    <message>
        <source>Parts</source>
        <translation>Teile</translation>
    </message>
    <message>
        <source>Sent</source>
        <translation>Gesendet</translation>
    </message>
    <message>
        <source>Delivered</source>
        <translation>Zugestellt</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Grund</translation>
    </message>
    <message>
        <source>Delivered %s</source>
        <translation>Zugestellt %s</translation>
    </message>
    <message>
        <source>Possibly sent twice: the console stopped while it was being sent</source>
        <translation>Vielleicht doppelt gesendet: Die Konsole wurde beim Senden beendet</translation>
    </message>
</context>
<context>
    <name>OutboxTab</name>
    <message>
        <source>Waiting</source>
        <translation>Wartend</translation>
    </message>
    <message>
        <source>Sent</source>
        <translation>Gesendet</translation>
    </message>
    <message>
        <source>Delivered</source>
        <translation>Zugestellt</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Fehlgeschlagen</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>Abgebrochen</translation>
    </message>
    <message>
        <source>Jobs: the messages submitted together, with their progress</source>
        <extracomment>Copy into a new message: (recipients, text).</extracomment>
        <translation>Aufträge: die zusammen eingereichten Nachrichten, mit ihrem Fortschritt</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>Cancel the selected queued or scheduled messages</source>
        <translation>Die gewählten eingereihten oder geplanten Nachrichten abbrechen</translation>
    </message>
    <message>
        <source>Retry</source>
        <translation>Wiederholen</translation>
    </message>
    <message>
        <source>Queue the selected failed, expired or cancelled messages again</source>
        <translation>Die gewählten fehlgeschlagenen, abgelaufenen oder abgebrochenen Nachrichten erneut einreihen</translation>
    </message>
    <message>
        <source>Resend</source>
        <translation>Erneut senden</translation>
    </message>
    <message>
        <source>Send the selected messages again as new messages</source>
        <translation>Die gewählten Nachrichten als neue Nachrichten erneut senden</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>Kopieren</translation>
    </message>
    <message>
        <source>Copy the selected messages as text</source>
        <translation>Die gewählten Nachrichten als Text kopieren</translation>
    </message>
    <message>
        <source>Copy to new…</source>
        <translation>In neue kopieren…</translation>
    </message>
    <message>
        <source>Open a new message with the recipients and text</source>
        <translation>Eine neue Nachricht mit den Empfängern und dem Text öffnen</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>Löschen</translation>
    </message>
    <message>
        <source>Delete the selected messages (undo with Ctrl+Z)</source>
        <translation>Die gewählten Nachrichten löschen (rückgängig mit Strg+Z)</translation>
    </message>
    <message>
        <source>Undo delete</source>
        <translation>Löschen rückgängig</translation>
    </message>
    <message>
        <source>Bring back the messages deleted last</source>
        <translation>Die zuletzt gelöschten Nachrichten zurückholen</translation>
    </message>
    <message>
        <source>History…</source>
        <translation>Verlauf…</translation>
    </message>
    <message>
        <source>Show the history of the selected message: queued, sent, each part&apos;s report, delivered or why not</source>
        <translation>Den Verlauf der ausgewählten Nachricht zeigen: eingereiht, gesendet, der Bericht jedes Teils, zugestellt oder warum nicht</translation>
    </message>
    <message>
        <source>Export all shown…</source>
        <translation>Alle angezeigten exportieren…</translation>
    </message>
    <message>
        <source>Export every message the job, search and filters select</source>
        <translation>Jede Nachricht exportieren, die Auftrag, Suche und Filter auswählen</translation>
    </message>
    <message>
        <source>Export selected…</source>
        <translation>Gewählte exportieren…</translation>
    </message>
    <message>
        <source>Export the selected messages</source>
        <translation>Die gewählten Nachrichten exportieren</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>Export</translation>
    </message>
    <message>
        <source>Export messages to a CSV file</source>
        <translation>Nachrichten in eine CSV-Datei exportieren</translation>
    </message>
    <message>
        <source>Searching…</source>
        <translation>Suche…</translation>
    </message>
    <message>
        <source>No sent messages match the job, search and filters.</source>
        <translation>Keine gesendete Nachricht passt zu Auftrag, Suche und Filtern.</translation>
    </message>
    <message>
        <source>Nothing sent yet.
Write a message with Ctrl+N; it appears here with its state.</source>
        <translation>Noch nichts gesendet.
Schreiben Sie eine Nachricht mit Strg+N; sie erscheint hier mit ihrem Zustand.</translation>
    </message>
    <message numerus="yes">
        <source>%n message(s) cancelled.</source>
        <translation>
            <numerusform>%n Nachricht abgebrochen.</numerusform>
            <numerusform>%n Nachrichten abgebrochen.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n message(s) queued again.</source>
        <translation>
            <numerusform>%n Nachricht erneut eingereiht.</numerusform>
            <numerusform>%n Nachrichten erneut eingereiht.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n message(s) queued again as new messages.</source>
        <translation>
            <numerusform>%n Nachricht als neue Nachricht erneut eingereiht.</numerusform>
            <numerusform>%n Nachrichten als neue Nachrichten erneut eingereiht.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Reasons</name>
    <message>
        <source>passed on to the phone; the network cannot confirm delivery</source>
        <extracomment>The text a cell shows when it says more than its value (a status with its reason). Standard texts (TP-Status, +CMS ERROR) -&gt; plain words.</extracomment>
        <translation>an das Telefon weitergegeben; das Netz kann die Zustellung nicht bestätigen</translation>
    </message>
    <message>
        <source>replaced by a newer message</source>
        <translation>durch eine neuere Nachricht ersetzt</translation>
    </message>
    <message>
        <source>the network is busy</source>
        <translation>das Netz ist ausgelastet</translation>
    </message>
    <message>
        <source>the phone is busy</source>
        <translation>das Telefon ist beschäftigt</translation>
    </message>
    <message>
        <source>the phone is off or out of reach</source>
        <translation>das Telefon ist aus oder nicht erreichbar</translation>
    </message>
    <message>
        <source>the network refused the message</source>
        <translation>das Netz hat die Nachricht abgelehnt</translation>
    </message>
    <message>
        <source>the network service is not available</source>
        <translation>der Netzdienst ist nicht verfügbar</translation>
    </message>
    <message>
        <source>the phone reported an error</source>
        <translation>das Telefon meldete einen Fehler</translation>
    </message>
    <message>
        <source>error in the network</source>
        <translation>Fehler im Netz</translation>
    </message>
    <message>
        <source>the number cannot receive SMS</source>
        <translation>die Nummer kann keine SMS empfangen</translation>
    </message>
    <message>
        <source>the phone refused the message</source>
        <translation>das Telefon hat die Nachricht abgelehnt</translation>
    </message>
    <message>
        <source>the number cannot be reached</source>
        <translation>die Nummer ist nicht erreichbar</translation>
    </message>
    <message>
        <source>the recipient&apos;s network cannot be reached</source>
        <translation>das Netz des Empfängers ist nicht erreichbar</translation>
    </message>
    <message>
        <source>the phone was not reached before the message expired</source>
        <translation>das Telefon war vor Ablauf der Nachricht nicht erreichbar</translation>
    </message>
    <message>
        <source>cancelled by the sender</source>
        <translation>vom Absender zurückgezogen</translation>
    </message>
    <message>
        <source>deleted by the network operator</source>
        <translation>vom Netzbetreiber gelöscht</translation>
    </message>
    <message>
        <source>the network does not know the message</source>
        <translation>das Netz kennt die Nachricht nicht</translation>
    </message>
    <message>
        <source>the number does not exist</source>
        <translation>die Nummer gibt es nicht</translation>
    </message>
    <message>
        <source>the number is not known to the network</source>
        <translation>die Nummer ist dem Netz nicht bekannt</translation>
    </message>
    <message>
        <source>the phone is out of service</source>
        <translation>das Telefon ist außer Betrieb</translation>
    </message>
    <message>
        <source>the number is barred</source>
        <translation>die Nummer ist gesperrt</translation>
    </message>
    <message>
        <source>barred by the operator</source>
        <translation>vom Betreiber gesperrt</translation>
    </message>
    <message>
        <source>the phone&apos;s memory is full</source>
        <translation>der Speicher des Telefons ist voll</translation>
    </message>
    <message>
        <source>the network is out of order</source>
        <translation>das Netz ist gestört</translation>
    </message>
    <message>
        <source>network failure</source>
        <translation>Netzstörung</translation>
    </message>
    <message>
        <source>temporary network failure</source>
        <translation>vorübergehende Netzstörung</translation>
    </message>
    <message>
        <source>the SIM has no SMS subscription</source>
        <translation>die SIM hat keinen SMS-Vertrag</translation>
    </message>
    <message>
        <source>the service centre is busy</source>
        <translation>die SMS-Zentrale ist ausgelastet</translation>
    </message>
    <message>
        <source>the number is not valid</source>
        <translation>die Nummer ist ungültig</translation>
    </message>
    <message>
        <source>the recipient is barred</source>
        <translation>der Empfänger ist gesperrt</translation>
    </message>
</context>
<context>
    <name>RecipientField</name>
    <message>
        <source>Number, contact name or @group; paste many at once</source>
        <extracomment>The focus left the entry (Tab, a click elsewhere): what is typed becomes a chip.</extracomment>
        <translation>Nummer, Kontaktname oder @Gruppe; viele auf einmal einfügen</translation>
    </message>
    <message>
        <source>Separate numbers with ; or , or Enter. National numbers use the default country of the settings.</source>
        <translation>Nummern mit ; oder , oder Eingabe trennen. Nationale Nummern erhalten das Standardland der Einstellungen.</translation>
    </message>
    <message>
        <source>there is no group %s with members</source>
        <extracomment>The contact book as last read (names, numbers, groups).</extracomment>
        <translation>es gibt keine Gruppe %s mit Mitgliedern</translation>
    </message>
    <message>
        <source>%s is not a phone number, nor the name of a contact</source>
        <translation>%s ist keine Telefonnummer und kein Kontaktname</translation>
    </message>
    <message numerus="yes">
        <source>%s: %n recipient(s)</source>
        <translation>
            <numerusform>%s: %n Empfänger</numerusform>
            <numerusform>%s: %n Empfänger</numerusform>
        </translation>
    </message>
    <message>
        <source>%d of them have a number that cannot be used</source>
        <translation>%d davon haben eine unbrauchbare Nummer</translation>
    </message>
</context>
<context>
    <name>RoutingRuleDialog</name>
    <message>
        <source>Change routing rule</source>
        <translation>Routing-Regel ändern</translation>
    </message>
    <message>
        <source>Add routing rule</source>
        <translation>Routing-Regel hinzufügen</translation>
    </message>
    <message>
        <source>shown in the Outbox&apos;s waiting reasons, e.g. Germany mobile</source>
        <translation>in den Wartegründen des Postausgangs gezeigt, z. B. Deutschland mobil</translation>
    </message>
    <message>
        <source>prefix +4917 or pattern +4917[56]*; empty: any number</source>
        <translation>Präfix +4917 oder Muster +4917[56]*; leer: jede Nummer</translation>
    </message>
    <message>
        <source>sender id, exact or pattern (Shop*); empty: any</source>
        <translation>Absenderkennung, genau oder Muster (Shop*); leer: jede</translation>
    </message>
    <message>
        <source>any API user</source>
        <translation>jeder API-Benutzer</translation>
    </message>
    <message>
        <source>any message type</source>
        <translation>jeder Nachrichtentyp</translation>
    </message>
    <message>
        <source>Tick the gateways that may carry the matching messages; the least busy of them sends. Drag or use Up and Down to order them.</source>
        <translation>Haken Sie die Gateways an, die die passenden Nachrichten tragen dürfen; das am wenigsten beschäftigte sendet. Ordnen Sie sie durch Ziehen oder mit Hoch und Runter.</translation>
    </message>
    <message>
        <source>Up</source>
        <translation>Hoch</translation>
    </message>
    <message>
        <source>Down</source>
        <translation>Runter</translation>
    </message>
    <message>
        <source>&amp;Use this rule</source>
        <translation>Diese Regel &amp;verwenden</translation>
    </message>
    <message>
        <source>Rules are tried in order; the first one whose every filled-in field matches decides the gateways. Empty fields match anything.</source>
        <translation>Regeln werden der Reihe nach geprüft; die erste, deren ausgefüllte Felder alle passen, bestimmt die Gateways. Leere Felder passen zu allem.</translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation>&amp;Name:</translation>
    </message>
    <message>
        <source>&amp;Destination:</source>
        <translation>&amp;Ziel:</translation>
    </message>
    <message>
        <source>&amp;Sender:</source>
        <translation>&amp;Absender:</translation>
    </message>
    <message>
        <source>API &amp;user:</source>
        <translation>API-&amp;Benutzer:</translation>
    </message>
    <message>
        <source>Message &amp;type:</source>
        <translation>Nachrichten&amp;typ:</translation>
    </message>
    <message>
        <source>&amp;Gateways:</source>
        <translation>&amp;Gateways:</translation>
    </message>
    <message>
        <source> (no such gateway)</source>
        <translation> (kein solches Gateway)</translation>
    </message>
    <message>
        <source>The destination &quot;%s&quot; is not a number prefix or pattern. Write digits with an optional leading +, like +4917, or a pattern like +4917[56]* (* any digits, ? one digit, [56] one of them).</source>
        <translation>Das Ziel „%s“ ist kein Nummernpräfix und kein Muster. Schreiben Sie Ziffern mit optionalem führendem +, etwa +4917, oder ein Muster wie +4917[56]* (* beliebige Ziffern, ? eine Ziffer, [56] eine davon).</translation>
    </message>
    <message>
        <source>The destination &quot;%s&quot; opens a [ group it does not close.</source>
        <translation>Das Ziel „%s“ öffnet eine [-Gruppe, die es nicht schließt.</translation>
    </message>
    <message>
        <source>No message type is &quot;%s&quot;. Choose one of %s, a pattern like sms.flash*, or leave it empty.</source>
        <translation>Es gibt keinen Nachrichtentyp „%s“. Wählen Sie einen von %s, ein Muster wie sms.flash* oder lassen Sie es leer.</translation>
    </message>
    <message>
        <source>Tick at least one gateway: a rule that names none holds its messages in the queue for ever.</source>
        <translation>Haken Sie mindestens ein Gateway an: Eine Regel ohne Gateway hält ihre Nachrichten für immer in der Warteschlange.</translation>
    </message>
    <message>
        <source>The rule was not saved: %s. Correct it and save again.</source>
        <translation>Die Regel wurde nicht gespeichert: %s. Korrigieren Sie sie und speichern Sie erneut.</translation>
    </message>
</context>
<context>
    <name>RoutingRuleModel</name>
    <message>
        <source>#</source>
        <translation>#</translation>
    </message>
    <message>
        <source>Use</source>
        <translation>Aktiv</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Destination</source>
        <translation>Ziel</translation>
    </message>
    <message>
        <source>Sender</source>
        <translation>Absender</translation>
    </message>
    <message>
        <source>API user</source>
        <translation>API-Benutzer</translation>
    </message>
    <message>
        <source>Message type</source>
        <translation>Nachrichtentyp</translation>
    </message>
    <message>
        <source>Gateways</source>
        <translation>Gateways</translation>
    </message>
    <message>
        <source>From</source>
        <translation>Von</translation>
    </message>
    <message>
        <source>any</source>
        <translation>alle</translation>
    </message>
    <message>
        <source>config file</source>
        <translation>Konfigurationsdatei</translation>
    </message>
    <message>
        <source>this window</source>
        <translation>dieses Fenster</translation>
    </message>
    <message>
        <source>No gateway named %s: messages this rule matches wait for it</source>
        <translation>Kein Gateway namens %s: Nachrichten, zu denen diese Regel passt, warten darauf</translation>
    </message>
    <message>
        <source>The least busy of these sends; the first ones are preferred</source>
        <translation>Das am wenigsten beschäftigte davon sendet; die ersten werden bevorzugt</translation>
    </message>
    <message>
        <source>Declared in the configuration file: change it there; it is read again at start</source>
        <translation>In der Konfigurationsdatei festgelegt: ändern Sie es dort; sie wird beim Start neu gelesen</translation>
    </message>
    <message>
        <source>Used</source>
        <translation>Verwendet</translation>
    </message>
    <message>
        <source>Skipped</source>
        <translation>Übersprungen</translation>
    </message>
</context>
<context>
    <name>RoutingSection</name>
    <message>
        <source>No routing rules: any gateway may carry any message. Add a rule to send some destinations, senders or API users through chosen gateways.</source>
        <translation>Keine Routing-Regeln: Jedes Gateway darf jede Nachricht tragen. Fügen Sie eine Regel hinzu, um bestimmte Ziele, Absender oder API-Benutzer über gewählte Gateways zu senden.</translation>
    </message>
    <message>
        <source>&lt;b&gt;Routing&lt;/b&gt; — rules tried in order; the first that matches chooses the gateways</source>
        <translation>&lt;b&gt;Routing&lt;/b&gt; — Regeln der Reihe nach geprüft; die erste passende wählt die Gateways</translation>
    </message>
    <message>
        <source>Add rule…</source>
        <translation>Regel hinzufügen…</translation>
    </message>
    <message>
        <source>Add a routing rule at the end</source>
        <translation>Eine Routing-Regel am Ende hinzufügen</translation>
    </message>
    <message>
        <source>Change…</source>
        <translation>Ändern…</translation>
    </message>
    <message>
        <source>Change the selected rule</source>
        <translation>Die gewählte Regel ändern</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>Entfernen</translation>
    </message>
    <message>
        <source>Remove the selected rule</source>
        <translation>Die gewählte Regel entfernen</translation>
    </message>
    <message>
        <source>Move up</source>
        <translation>Nach oben</translation>
    </message>
    <message>
        <source>Try the selected rule earlier</source>
        <translation>Die gewählte Regel früher prüfen</translation>
    </message>
    <message>
        <source>Move down</source>
        <translation>Nach unten</translation>
    </message>
    <message>
        <source>Try the selected rule later</source>
        <translation>Die gewählte Regel später prüfen</translation>
    </message>
    <message>
        <source>Change routing rule</source>
        <translation>Routing-Regel ändern</translation>
    </message>
    <message>
        <source>This rule comes from the configuration file. Change it there; the file is read again when the console starts.</source>
        <translation>Diese Regel stammt aus der Konfigurationsdatei. Ändern Sie sie dort; die Datei wird beim Start der Konsole neu gelesen.</translation>
    </message>
    <message>
        <source>Remove routing rule</source>
        <translation>Routing-Regel entfernen</translation>
    </message>
    <message>
        <source>Remove the rule &quot;%s&quot;? Messages it matched go to the next matching rule, or to any gateway.</source>
        <translation>Die Regel „%s“ entfernen? Nachrichten, zu denen sie passte, gehen an die nächste passende Regel oder an jedes Gateway.</translation>
    </message>
    <message>
        <source>(unnamed)</source>
        <translation>(ohne Namen)</translation>
    </message>
    <message>
        <source>Routing</source>
        <translation>Routing</translation>
    </message>
    <message>
        <source>The routing rules were not changed: %s</source>
        <translation>Die Routing-Regeln wurden nicht geändert: %s</translation>
    </message>
</context>
<context>
    <name>SendingPause</name>
    <message>
        <source>Pause all sending</source>
        <extracomment>True while sending is paused, whoever paused it (this window, the API, a setting).</extracomment>
        <translation>Alles anhalten</translation>
    </message>
    <message>
        <source>Pause sending</source>
        <translation>Senden anhalten</translation>
    </message>
    <message>
        <source>Resume sending</source>
        <translation>Senden fortsetzen</translation>
    </message>
    <message>
        <source>Resume all sending</source>
        <translation>Alles fortsetzen</translation>
    </message>
    <message>
        <source>Sending is paused: every outgoing message waits in the queue. Click to send again.</source>
        <translation>Das Senden ist angehalten: Jede ausgehende Nachricht wartet in der Warteschlange. Klicken Sie, um wieder zu senden.</translation>
    </message>
    <message>
        <source>Hold every outgoing message in the queue, on all gateways, until resumed (kept across restarts)</source>
        <translation>Jede ausgehende Nachricht auf allen Gateways in der Warteschlange halten, bis fortgesetzt wird (bleibt über Neustarts erhalten)</translation>
    </message>
    <message>
        <source>Sending paused</source>
        <translation>Senden angehalten</translation>
    </message>
    <message>
        <source>Every outgoing message waits in the queue. Resume all sending in the Gateways tab or the Tools menu.</source>
        <translation>Jede ausgehende Nachricht wartet in der Warteschlange. Setzen Sie das Senden im Reiter Gateways oder im Menü Extras fort.</translation>
    </message>
</context>
<context>
    <name>SendingSettings</name>
    <message>
        <source>Send it again (it may arrive twice)</source>
        <translation>Erneut senden (kann doppelt ankommen)</translation>
    </message>
    <message>
        <source>Mark it failed; I decide whether to retry</source>
        <translation>Als fehlgeschlagen markieren; ich entscheide über einen neuen Versuch</translation>
    </message>
    <message>
        <source> s</source>
        <translation> s</translation>
    </message>
    <message>
        <source>no limit</source>
        <translation>unbegrenzt</translation>
    </message>
    <message>
        <source>&amp;Tries before a message fails:</source>
        <translation>&amp;Versuche, bis eine Nachricht fehlschlägt:</translation>
    </message>
    <message>
        <source>First &amp;retry after:</source>
        <translation>Erster &amp;neuer Versuch nach:</translation>
    </message>
    <message>
        <source>Longest wait between tries:</source>
        <translation>Längste Wartezeit zwischen Versuchen:</translation>
    </message>
    <message>
        <source>Give up on a message failing for:</source>
        <translation>Eine Nachricht aufgeben, die fehlschlägt seit:</translation>
    </message>
    <message>
        <source>&amp;Duplicate check window:</source>
        <translation>&amp;Zeitfenster der Dublettenprüfung:</translation>
    </message>
    <message>
        <source>A message &amp;interrupted by a stop:</source>
        <translation>Eine durch Anhalten &amp;unterbrochene Nachricht:</translation>
    </message>
    <message>
        <source>Each retry waits twice as long as the one before. The duplicate check applies when a client asks for it: the same sender, recipient and text within the window.</source>
        <translation>Jeder neue Versuch wartet doppelt so lange wie der vorige. Die Dublettenprüfung gilt, wenn ein Client sie verlangt: derselbe Absender, Empfänger und Text innerhalb des Zeitfensters.</translation>
    </message>
</context>
<context>
    <name>SessionsTab</name>
    <message>
        <source>Customer sessions (API clients)</source>
        <translation>Kundensitzungen (API-Clients)</translation>
    </message>
    <message>
        <source>Supplier sessions (gateway connections)</source>
        <translation>Lieferantensitzungen (Gateway-Verbindungen)</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>Stoppen</translation>
    </message>
    <message>
        <source>End the selected clients&apos; sessions and refuse them until unblocked</source>
        <translation>Die Sitzungen der gewählten Clients beenden und sie bis zur Entsperrung abweisen</translation>
    </message>
    <message>
        <source>Unblock</source>
        <translation>Entsperren</translation>
    </message>
    <message>
        <source>Let the selected stopped clients connect again</source>
        <translation>Die gewählten gestoppten Clients wieder verbinden lassen</translation>
    </message>
    <message>
        <source>Restart</source>
        <translation>Neu starten</translation>
    </message>
    <message>
        <source>Stop and start the selected gateways</source>
        <translation>Die gewählten Gateways stoppen und starten</translation>
    </message>
    <message>
        <source>Stop {0}</source>
        <translation>{0} stoppen</translation>
    </message>
    <message>
        <source>Unblock {0}</source>
        <translation>{0} entsperren</translation>
    </message>
    <message>
        <source>Restart {0}</source>
        <translation>{0} neu starten</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>Settings</source>
        <translation>Einstellungen</translation>
    </message>
    <message>
        <source>e.g. 49</source>
        <translation>z. B. 49</translation>
    </message>
    <message>
        <source>Calling code that turns national numbers (0176…) into international ones (+49176…). Empty: numbers are kept as entered.</source>
        <translation>Landesvorwahl, die nationale Nummern (0176…) zu internationalen macht (+49176…). Leer: Nummern bleiben wie eingegeben.</translation>
    </message>
    <message>
        <source>Notify me when a message arrives</source>
        <translation>Mich benachrichtigen, wenn eine Nachricht eintrifft</translation>
    </message>
    <message>
        <source>As the desktop</source>
        <translation>Wie der Desktop</translation>
    </message>
    <message>
        <source>Light</source>
        <translation>Hell</translation>
    </message>
    <message>
        <source>Dark</source>
        <translation>Dunkel</translation>
    </message>
    <message>
        <source>As the system</source>
        <translation>Wie das System</translation>
    </message>
    <message>
        <source>The language of the window; it changes the next time the console starts</source>
        <translation>Die Sprache des Fensters; sie wechselt beim nächsten Start der Konsole</translation>
    </message>
    <message>
        <source>Chosen by the environment variable %s</source>
        <translation>Durch die Umgebungsvariable %s gewählt</translation>
    </message>
    <message>
        <source>Default &amp;country code:</source>
        <translation>Standard-&amp;Landesvorwahl:</translation>
    </message>
    <message>
        <source>Notifications:</source>
        <translation>Benachrichtigungen:</translation>
    </message>
    <message>
        <source>Colours:</source>
        <translation>Farben:</translation>
    </message>
    <message>
        <source>&amp;Language:</source>
        <translation>&amp;Sprache:</translation>
    </message>
    <message>
        <source>General</source>
        <translation>Allgemein</translation>
    </message>
    <message>
        <source>Sending</source>
        <translation>Senden</translation>
    </message>
    <message>
        <source>as the configuration file says (127.0.0.1:9710)</source>
        <translation>wie in der Konfigurationsdatei (127.0.0.1:9710)</translation>
    </message>
    <message>
        <source>HOST:PORT the HTTP API listens on; 0.0.0.0 makes it reachable from other computers</source>
        <translation>HOST:PORT, auf dem die HTTP-API lauscht; 0.0.0.0 macht sie von anderen Rechnern erreichbar</translation>
    </message>
    <message>
        <source>Allow administrators to run send-server-command</source>
        <translation>Administratoren send-server-command erlauben</translation>
    </message>
    <message>
        <source>&amp;Listen on:</source>
        <translation>&amp;Lauschen auf:</translation>
    </message>
    <message>
        <source>TLS &amp;certificate:</source>
        <translation>TLS-&amp;Zertifikat:</translation>
    </message>
    <message>
        <source>TLS &amp;key:</source>
        <translation>TLS-&amp;Schlüssel:</translation>
    </message>
    <message>
        <source>The address and TLS files take effect the next time the console starts.</source>
        <translation>Adresse und TLS-Dateien wirken beim nächsten Start der Konsole.</translation>
    </message>
    <message>
        <source>HTTP API</source>
        <translation>HTTP-API</translation>
    </message>
    <message>
        <source>User</source>
        <translation>Benutzer</translation>
    </message>
    <message>
        <source>Administrator</source>
        <translation>Administrator</translation>
    </message>
    <message>
        <source>Enabled</source>
        <translation>Aktiv</translation>
    </message>
    <message>
        <source>Privileges</source>
        <translation>Rechte</translation>
    </message>
    <message>
        <source>Add user…</source>
        <translation>Benutzer hinzufügen…</translation>
    </message>
    <message>
        <source>Change…</source>
        <translation>Ändern…</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>Entfernen</translation>
    </message>
    <message>
        <source>Users</source>
        <translation>Benutzer</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>Durchsuchen…</translation>
    </message>
    <message>
        <source>as the configuration file says</source>
        <translation>wie in der Konfigurationsdatei</translation>
    </message>
    <message>
        <source>Choose a PEM file</source>
        <translation>Eine PEM-Datei wählen</translation>
    </message>
    <message>
        <source>PEM files (*.pem *.crt *.key);;All files (*)</source>
        <translation>PEM-Dateien (*.pem *.crt *.key);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source> (configuration file)</source>
        <translation> (Konfigurationsdatei)</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>ja</translation>
    </message>
    <message>
        <source>no</source>
        <translation>nein</translation>
    </message>
    <message>
        <source>all</source>
        <translation>alle</translation>
    </message>
    <message>
        <source>%s. Write it as HOST:PORT, e.g. 127.0.0.1:9710.</source>
        <translation>%s. Schreiben Sie es als HOST:PORT, z. B. 127.0.0.1:9710.</translation>
    </message>
    <message>
        <source>The TLS certificate and key go together: choose both, or neither.</source>
        <translation>TLS-Zertifikat und -Schlüssel gehören zusammen: Wählen Sie beide oder keines.</translation>
    </message>
    <message>
        <source>The default country is a calling code of 1 to 3 digits, such as 49 or 1.</source>
        <translation>Das Standardland ist eine Landesvorwahl aus 1 bis 3 Ziffern, etwa 49 oder 1.</translation>
    </message>
</context>
<context>
    <name>Shortcuts</name>
    <message>
        <source>Window</source>
        <translation>Fenster</translation>
    </message>
    <message>
        <source>Inbox</source>
        <translation>Posteingang</translation>
    </message>
    <message>
        <source>Outbox</source>
        <translation>Postausgang</translation>
    </message>
    <message>
        <source>Gateways</source>
        <translation>Gateways</translation>
    </message>
    <message>
        <source>Ctrl+Enter sends in the message and reply boxes.</source>
        <translation>Strg+Eingabe sendet in den Nachrichten- und Antwortfeldern.</translation>
    </message>
</context>
<context>
    <name>SimulateDialog</name>
    <message>
        <source>Simulate incoming message</source>
        <translation>Eingehende Nachricht simulieren</translation>
    </message>
    <message>
        <source>What the message says</source>
        <translation>Was in der Nachricht steht</translation>
    </message>
    <message>
        <source>&amp;Receive</source>
        <translation>&amp;Empfangen</translation>
    </message>
    <message>
        <source>&amp;From:</source>
        <translation>&amp;Von:</translation>
    </message>
    <message>
        <source>&amp;Text:</source>
        <translation>&amp;Text:</translation>
    </message>
    <message>
        <source>Type who sends the message and what it says.</source>
        <translation>Geben Sie ein, wer die Nachricht sendet und was darin steht.</translation>
    </message>
</context>
<context>
    <name>SmsCounter</name>
    <message numerus="yes">
        <source>%n part(s)</source>
        <translation>
            <numerusform>%n Teil</numerusform>
            <numerusform>%n Teile</numerusform>
        </translation>
    </message>
    <message>
        <source>%s · %d characters · %s · %d left</source>
        <translation>%s · %d Zeichen · %s · %d übrig</translation>
    </message>
</context>
<context>
    <name>States</name>
    <message>
        <source>queued</source>
        <extracomment>Message states and gateway states as the operator reads them (translated in the context &quot;States&quot;).</extracomment>
        <translation>eingereiht</translation>
    </message>
    <message>
        <source>scheduled</source>
        <translation>geplant</translation>
    </message>
    <message>
        <source>sending</source>
        <translation>wird gesendet</translation>
    </message>
    <message>
        <source>sent</source>
        <translation>gesendet</translation>
    </message>
    <message>
        <source>delivered</source>
        <translation>zugestellt</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>fehlgeschlagen</translation>
    </message>
    <message>
        <source>undelivered</source>
        <translation>nicht zugestellt</translation>
    </message>
    <message>
        <source>expired</source>
        <translation>abgelaufen</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>abgebrochen</translation>
    </message>
    <message>
        <source>received</source>
        <translation>empfangen</translation>
    </message>
    <message>
        <source>running</source>
        <translation>läuft</translation>
    </message>
    <message>
        <source>paused</source>
        <translation>angehalten</translation>
    </message>
    <message>
        <source>starting</source>
        <translation>startet</translation>
    </message>
    <message>
        <source>stopping</source>
        <translation>stoppt</translation>
    </message>
    <message>
        <source>stopped</source>
        <translation>gestoppt</translation>
    </message>
    <message>
        <source>error</source>
        <translation>Fehler</translation>
    </message>
    <message>
        <source>SIM changed</source>
        <translation>SIM gewechselt</translation>
    </message>
</context>
<context>
    <name>StatisticsTab</name>
    <message>
        <source>sent</source>
        <translation>gesendet</translation>
    </message>
    <message>
        <source>received</source>
        <translation>empfangen</translation>
    </message>
    <message>
        <source>Refresh</source>
        <extracomment>New figures were shown.</extracomment>
        <translation>Aktualisieren</translation>
    </message>
    <message>
        <source>Read the figures again (they refresh each minute while shown)</source>
        <translation>Die Zahlen neu lesen (solange sichtbar, jede Minute)</translation>
    </message>
    <message>
        <source>Messages per hour, last 24 hours</source>
        <translation>Nachrichten pro Stunde, letzte 24 Stunden</translation>
    </message>
    <message>
        <source>Messages per day, last 14 days</source>
        <translation>Nachrichten pro Tag, letzte 14 Tage</translation>
    </message>
    <message>
        <source>Delivery and failures by reason, last 24 hours</source>
        <translation>Zustellung und Fehler nach Grund, letzte 24 Stunden</translation>
    </message>
    <message>
        <source>Queue and send rate, since the console started (a day at most)</source>
        <translation>Warteschlange und Senderate seit dem Start der Konsole (höchstens ein Tag)</translation>
    </message>
    <message>
        <source>Modem signal and registration, a day at most</source>
        <translation>Signal und Netzanmeldung der Modems, höchstens ein Tag</translation>
    </message>
    <message>
        <source>No failed message in the last 24 hours</source>
        <translation>Keine fehlgeschlagene Nachricht in den letzten 24 Stunden</translation>
    </message>
    <message>
        <source>No modem reading yet</source>
        <translation>Noch keine Modem-Messung</translation>
    </message>
    <message>
        <source>Statistics</source>
        <translation>Statistik</translation>
    </message>
    <message>
        <source>as of %s</source>
        <translation>Stand %s</translation>
    </message>
    <message>
        <source>not handed to a gateway</source>
        <translation>keinem Gateway übergeben</translation>
    </message>
    <message>
        <source>%d outgoing, %d received</source>
        <translation>%d ausgehend, %d empfangen</translation>
    </message>
    <message>
        <source>no reason given</source>
        <translation>ohne Grund</translation>
    </message>
    <message>
        <source>Messages</source>
        <translation>Nachrichten</translation>
    </message>
    <message>
        <source>No message reached an outcome yet.</source>
        <translation>Noch keine Nachricht hat ein Ergebnis.</translation>
    </message>
    <message>
        <source>%d %% delivered: %d delivered, %d failed</source>
        <translation>%d %% zugestellt: %d zugestellt, %d fehlgeschlagen</translation>
    </message>
    <message>
        <source>Queue length</source>
        <translation>Länge der Warteschlange</translation>
    </message>
    <message>
        <source>Sent per minute</source>
        <translation>Gesendet pro Minute</translation>
    </message>
    <message>
        <source>Now: %d waiting, %.1f sent per minute</source>
        <translation>Jetzt: %d wartend, %.1f gesendet pro Minute</translation>
    </message>
    <message>
        <source>%s (bars of 5)</source>
        <translation>%s (Balken von 5)</translation>
    </message>
    <message>
        <source>%s: %s now, registered in %d %% of the readings</source>
        <translation>%s: jetzt %s, angemeldet in %d %% der Messungen</translation>
    </message>
    <message>
        <source>no signal</source>
        <translation>kein Signal</translation>
    </message>
    <message>
        <source>No modem gateway.</source>
        <translation>Kein Modem-Gateway.</translation>
    </message>
</context>
<context>
    <name>StoreOp</name>
    <message>
        <source>Please wait</source>
        <extracomment>Seconds an operation runs before the window shows it is busy.</extracomment>
        <translation>Bitte warten</translation>
    </message>
</context>
<context>
    <name>StoreStatusLabel</name>
    <message>
        <source>Store unreachable since %1: sending and receiving wait</source>
        <translation>Speicher seit %1 nicht erreichbar: Senden und Empfangen warten</translation>
    </message>
    <message>
        <source>Store reachable again after %1 s</source>
        <translation>Speicher nach %1 s wieder erreichbar</translation>
    </message>
</context>
<context>
    <name>SupplierSessionModel</name>
    <message>
        <source>Session</source>
        <translation>Sitzung</translation>
    </message>
    <message>
        <source>Gateway</source>
        <translation>Gateway</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>Art</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Zustand</translation>
    </message>
    <message>
        <source>Connection</source>
        <translation>Verbindung</translation>
    </message>
    <message>
        <source>Started</source>
        <translation>Begonnen</translation>
    </message>
    <message>
        <source>Last activity</source>
        <translation>Letzte Aktivität</translation>
    </message>
</context>
<context>
    <name>TestPage</name>
    <message>
        <source>A test message</source>
        <translation>Eine Testnachricht</translation>
    </message>
    <message>
        <source>Send a short message to your own phone to see it work, or leave it out.</source>
        <translation>Senden Sie eine kurze Nachricht an Ihr eigenes Telefon, um es zu prüfen, oder lassen Sie es aus.</translation>
    </message>
    <message>
        <source>Send a test message to:</source>
        <translation>Testnachricht senden an:</translation>
    </message>
    <message>
        <source>your mobile number</source>
        <translation>Ihre Mobilnummer</translation>
    </message>
</context>
<context>
    <name>TrafficPane</name>
    <message>
        <source>No traffic yet. The gateway&apos;s dialogue with its modem or provider appears here as it happens, the newest at the bottom.</source>
        <translation>Noch kein Verkehr. Der Dialog des Gateways mit seinem Modem oder Anbieter erscheint hier, wie er geschieht, das Neueste unten.</translation>
    </message>
    <message>
        <source>Filter the log (e.g. CMGS, ERROR, a number)</source>
        <translation>Protokoll filtern (z. B. CMGS, ERROR, eine Nummer)</translation>
    </message>
    <message>
        <source>Copy log</source>
        <translation>Protokoll kopieren</translation>
    </message>
    <message>
        <source>Copy the lines shown, for a support request</source>
        <translation>Die gezeigten Zeilen kopieren, für eine Supportanfrage</translation>
    </message>
    <message>
        <source>Save…</source>
        <translation>Speichern…</translation>
    </message>
    <message>
        <source>Save the lines shown to a text file</source>
        <translation>Die gezeigten Zeilen in einer Textdatei speichern</translation>
    </message>
    <message>
        <source>Save traffic log</source>
        <translation>Verkehrsprotokoll speichern</translation>
    </message>
    <message>
        <source>Log files (*.log *.txt);;All files (*)</source>
        <translation>Protokolldateien (*.log *.txt);;Alle Dateien (*)</translation>
    </message>
</context>
<context>
    <name>UserDialog</name>
    <message>
        <source>Change user %s</source>
        <translation>Benutzer %s ändern</translation>
    </message>
    <message>
        <source>Add user</source>
        <translation>Benutzer hinzufügen</translation>
    </message>
    <message>
        <source>unchanged</source>
        <translation>unverändert</translation>
    </message>
    <message>
        <source>at least 8 characters</source>
        <translation>mindestens 8 Zeichen</translation>
    </message>
    <message>
        <source>none: no SMPP</source>
        <translation>keines: kein SMPP</translation>
    </message>
    <message>
        <source>Administrator (every privilege)</source>
        <translation>Administrator (alle Rechte)</translation>
    </message>
    <message>
        <source>May log in</source>
        <translation>Darf sich anmelden</translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation>&amp;Name:</translation>
    </message>
    <message>
        <source>&amp;Password:</source>
        <translation>&amp;Passwort:</translation>
    </message>
    <message>
        <source>&amp;SMPP password:</source>
        <translation>&amp;SMPP-Passwort:</translation>
    </message>
    <message>
        <source>Save user</source>
        <translation>Benutzer speichern</translation>
    </message>
</context>
<context>
    <name>_SessionTable</name>
    <message>
        <source>Filter: any column contains…</source>
        <translation>Filter: eine Spalte enthält…</translation>
    </message>
</context>
</TS>
