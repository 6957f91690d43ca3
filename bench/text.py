"""Thread text for the seeded helpdesk: sentences built from templates and word lists, English and Italian.

Real helpdesk text is varied: a word such as "printer" turns up in a few percent of messages, an error code or
an invoice number in a handful. Templates with slots give the seeded threads that spread (a few thousand
distinct words, common ones in about 1-3 % of entries, codes in a few dozen), so search is measured on a
realistic selectivity instead of twenty sentences that every tenth message repeats.
"""

from __future__ import annotations

import random

DEVICES_EN = [
    "printer", "laptop", "scanner", "monitor", "router", "phone", "docking station", "keyboard", "projector",
    "tablet", "badge reader", "label printer", "webcam", "headset", "server", "switch", "firewall", "desktop",
    "mouse", "display", "plotter", "card terminal", "cash register", "access point", "NAS", "UPS",
]  # fmt: skip
DEVICES_IT = [
    "stampante", "portatile", "scanner", "monitor", "router", "telefono", "docking station", "tastiera",
    "proiettore", "tablet", "lettore badge", "stampante di etichette", "webcam", "cuffia", "server", "switch",
    "firewall", "fisso", "mouse", "schermo", "plotter", "terminale POS", "registratore di cassa", "access point",
]  # fmt: skip
APPS = [
    "Outlook", "Teams", "the ERP", "SAP", "Excel", "the VPN client", "Zoom", "the CRM", "Salesforce", "Chrome",
    "Firefox", "OneDrive", "SharePoint", "the intranet", "the payroll system", "QuickBooks", "AutoCAD", "Slack",
    "the booking system", "the time clock", "Acrobat", "Word", "PowerPoint", "the warehouse app", "Thunderbird",
]  # fmt: skip
APPS_IT = [
    "Outlook", "Teams", "il gestionale", "SAP", "Excel", "il client VPN", "Zoom", "il CRM", "Chrome", "Firefox",
    "OneDrive", "SharePoint", "la intranet", "il programma paghe", "AutoCAD", "il protocollo informatico",
    "il sistema prenotazioni", "la timbratrice", "Acrobat", "Word", "PowerPoint", "l'app di magazzino", "PEC",
]  # fmt: skip
PLACES_EN = [
    "second floor", "reception", "warehouse", "meeting room B", "accounting office", "the branch in Turin",
    "the Milan office", "the lab", "the front desk", "room 214", "the shop", "the training room", "HR",
    "the library", "the ground floor", "the north wing", "the call centre", "the print room",
]  # fmt: skip
PLACES_IT = [
    "secondo piano", "reception", "magazzino", "sala riunioni B", "ufficio contabilità", "sede di Torino",
    "ufficio di Milano", "laboratorio", "sportello", "stanza 214", "negozio", "aula formazione", "ufficio personale",
    "biblioteca", "piano terra", "ala nord", "centralino", "anagrafe", "ufficio tributi",
]  # fmt: skip
PEOPLE = [
    "Marco", "Giulia", "Luca", "Francesca", "Paolo", "Chiara", "Andrea", "Sara", "Matteo", "Elena", "John",
    "Emma", "David", "Olivia", "Peter", "Sophie", "Tom", "Anna", "Stefano", "Valentina", "Roberto", "Laura",
]  # fmt: skip
MONTHS_EN = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October"]
MONTHS_IT = ["gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto", "settembre"]

ENGLISH = [
    "The {device} in {place} stopped working after the update.",
    "I cannot sign in to {app} since this morning.",
    "Our invoice INV-{invoice} for {month} shows the wrong VAT number.",
    "{app} crashes with error {code} every time I open it.",
    "Please reset the password of {person}, who joined {place} this week.",
    "The shared mailbox of {place} does not receive any messages.",
    "Thanks, it works again now.",
    "Could you send the receipt for order {order}?",
    "The {device} battery drains in less than an hour.",
    "We need two more licences for {app}.",
    "{person} says the {device} makes a loud noise when it starts.",
    "Since yesterday {app} is very slow on every computer in {place}.",
    "The {device} shows {code} and then restarts.",
    "Can you install {app} on the new {device} for {person}?",
    "I attached a screenshot of the message.",
    "Is there any news on this? We are still waiting.",
    "The {device} does not connect to the network in {place}.",
    "Payment {order} was charged twice in {month}.",
    "I would like to cancel my subscription from {month}.",
    "Hi, I tried again after restarting but nothing changed.",
    "{person} cannot print from {app} to the {device}.",
    "The delivery of order {order} has not arrived yet.",
    "Please move the {device} from {place} to {place2}.",
    "We get a certificate warning when opening {app}.",
]
ITALIAN = [
    "La {device} al {place} non funziona più dopo l'aggiornamento.",
    "Non riesco ad accedere a {app} da stamattina.",
    "La fattura INV-{invoice} di {month} riporta la partita IVA sbagliata.",
    "{app} si chiude con l'errore {code} ogni volta che lo apro.",
    "Per favore reimpostate la password di {person}, arrivata al {place} questa settimana.",
    "La casella condivisa del {place} non riceve più messaggi.",
    "Grazie, adesso funziona di nuovo.",
    "Potete mandarmi la ricevuta dell'ordine {order}?",
    "La batteria del {device} si scarica in meno di un'ora.",
    "Servono altre due licenze per {app}.",
    "{person} dice che il {device} fa un rumore forte all'accensione.",
    "Da ieri {app} è lentissimo su tutti i computer del {place}.",
    "Il {device} mostra {code} e poi si riavvia.",
    "Potete installare {app} sul nuovo {device} di {person}?",
    "Ho allegato una schermata del messaggio.",
    "Ci sono novità? Stiamo ancora aspettando.",
    "Il {device} non si collega alla rete al {place}.",
    "Il pagamento {order} è stato addebitato due volte a {month}.",
    "Vorrei disdire l'abbonamento da {month}.",
    "Buongiorno, ho riprovato dopo il riavvio ma non è cambiato nulla.",
    "{person} non riesce a stampare da {app} sulla {device}.",
    "La consegna dell'ordine {order} non è ancora arrivata.",
    "Per favore spostate il {device} dal {place} al {place2}.",
]


class Writer:
    """Sentences in one language, drawn from one random generator (so a seed gives the same text)."""

    def __init__(self, rng: random.Random, *, italian: bool) -> None:
        self.rng = rng
        self.templates = ITALIAN if italian else ENGLISH
        self.devices = DEVICES_IT if italian else DEVICES_EN
        self.apps = APPS_IT if italian else APPS
        self.places = PLACES_IT if italian else PLACES_EN
        self.months = MONTHS_IT if italian else MONTHS_EN

    def sentence(self) -> str:
        """One filled-in sentence."""
        rng = self.rng
        template = rng.choice(self.templates)
        if "{" not in template:
            return template
        return template.format(
            device=rng.choice(self.devices),
            app=rng.choice(self.apps),
            place=rng.choice(self.places),
            place2=rng.choice(self.places),
            person=rng.choice(PEOPLE),
            month=rng.choice(self.months),
            code=f"E{rng.randrange(100_000):05d}",
            invoice=f"{rng.randrange(2023, 2027)}-{rng.randrange(100_000):05d}",
            order=f"#{rng.randrange(1_000_000, 10_000_000)}",
        )

    def message(self) -> str:
        """One thread entry's text: one to four sentences."""
        return " ".join(self.sentence() for _ in range(self.rng.randint(1, 4)))

    def subject(self) -> str:
        """A ticket subject (a sentence, cut at 80 characters)."""
        return self.sentence()[:80]
