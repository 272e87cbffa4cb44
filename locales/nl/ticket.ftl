# Wat `ticket` tegen de hulpverlener zegt, in het Nederlands.
#
# Eén bericht per regel: `id = tekst`. Woorden tussen accolades, zoals { $id }, vult het
# programma in: laat ze staan zoals ze zijn. Het Engelse en het Franse bestand bevatten
# dezelfde berichten; een test faalt als een bericht of een van zijn { $woorden } in een
# taal ontbreekt. Regels die met # beginnen zijn opmerkingen voor wie de teksten naleest.

## Het postvak: titelbalk

inbox-title = Postvak
inbox-view-open = open tickets
inbox-view-waiting = wachten op de persoon
inbox-view-closed = afgesloten tickets
inbox-view-all = alle tickets
inbox-count = { $count ->
    [one] { $count } ticket
   *[other] { $count } tickets
}
# { $name } is de gebruikersnaam van de hulpverlener, { $role } een van de twee rollen hieronder.
inbox-whoami = { $name } ({ $role })
role-counsellor = hulpverlener
role-supervisor = supervisor
inbox-too-small = Deze terminal is te klein voor het postvak: maak hem minstens { $width } kolommen breed en { $height } regels hoog.

## De lijst

column-ticket = TICKET
column-status = STATUS
column-waiting = WACHT
column-received = ONTVANGEN
column-messages = BER
column-claimed = BIJ
column-subject = ONDERWERP
status-open = open
status-waiting = wachtend
status-closed = afgesloten
inbox-empty = Hier zijn geen tickets. Nieuwe berichten verschijnen vanzelf.
inbox-loading = De tickets worden opgehaald…
error-service-starting = De dienst start en antwoordt nog niet; probeer het zo opnieuw.
error-still-loading = De dienst laadt nog zijn catalogus (gestart { $seconds } s geleden); probeer het zo opnieuw.

# Hoe lang de persoon al wacht, nooit preciezer dan de bewaarde tijden.
waited-future = in de toekomst
waited-today = vandaag
waited-this-hour = dit uur
waited-now = net nu
waited-minutes = { $n } min geleden
waited-hours = { $n } u geleden
waited-days = { $n } d geleden
waited-months = { $n } mnd geleden

## De draad van een ticket

thread-ticket = Ticket
thread-urgent = DRINGEND
thread-subject = Onderwerp:
thread-received = Ontvangen:
thread-language = Taal:
thread-urgent-reason = Dringend:
thread-claimed = In behandeling bij:
thread-classification = Classificatie:
thread-tags = Labels:
thread-no-reply = Voor dit ticket wordt geen antwoordadres bewaard: het kan niet beantwoord worden.
thread-from-writer = de persoon schreef
thread-from-helpline = de hulplijn antwoordde
thread-from-acknowledgement = automatische ontvangstbevestiging
thread-different-sender = Dit bericht kwam van een ander adres dan het eerste.
thread-notes = interne notities (nooit verstuurd)
# Een bijlage: haar nummer, algemene naam, type en grootte.
thread-attachment = [{ $number }] { $name } ({ $kind }, { $size })
attachment-cleaned = ontdaan van metadata
attachment-as-is = bewaard zoals ze binnenkwam
attachment-withheld = tegengehouden
attachment-withheld-because = tegengehouden: { $reason }
withheld-carries-identity = dit soort bestand bevat identiteiten
withheld-not-cleaned = dit formaat kan nog niet van metadata ontdaan worden
withheld-unsupported = dit soort bestand wordt niet aanvaard
withheld-encrypted = versleutelde inhoud kan niet opgeschoond worden
withheld-too-large = groter dan de limiet voor bijlagen
withheld-message-too-large = de bijlagen van het bericht overschreden de groottelimiet
withheld-cleaner-failed = het opschonen van dit bestand is mislukt
withheld-damaged = het bestand is beschadigd
withheld-limit-exceeded = het bestand overschrijdt een veiligheidslimiet
withheld-quarantined = uit quarantaine vrijgegeven: bijlagen tegengehouden
sender-unknown = Afzender niet geverifieerd: onze mailserver kon niet bevestigen wie dit bericht stuurde. Een antwoord gaat naar het adres waar het vandaan kwam, en dat is misschien niet dat van de persoon.
sender-failed = Afzender niet geverifieerd, en verdacht: de controle van de afzender door onze mailserver is mislukt (het bericht is misschien vervalst). Een antwoord gaat naar het adres waar het vandaan kwam, en dat is misschien van iemand die nooit geschreven heeft.
delivery-queued = in de wachtrij, nog niet verstuurd
delivery-retrying = nog niet verstuurd ({ $attempts } pogingen; { $reason })
delivery-sent = verstuurd
delivery-not-delivered = niet afgeleverd: { $reason }
delivery-bounced = aflevering mislukt (de server van de persoon stuurde het terug)
language-fr = Frans
language-nl = Nederlands
language-en = Engels
language-unknown = niet herkend

## Zoeken

search-title = Zoeken naar “{ $query }”: { $count ->
    [one] { $count } ticket
   *[other] { $count } tickets
}
search-none = Niets gevonden voor “{ $query }”.

## Toetsen: de korte namen onderaan

key-move = verplaatsen
key-scroll = scrollen
key-open = openen
key-back = terug
key-quit = stoppen
key-search = zoeken
key-reply = antwoorden
key-note = notitie
key-claim = nemen
key-tag = label
key-close = afsluiten
key-urgent = dringend
key-save = bijlage
key-view = welke tickets
key-refresh = vernieuwen
key-help = hulp

## Toetsen: de hulp (toets ?)

help-title = Toetsen
help-move = Door de lijst gaan, of door de draad scrollen
help-open = Het gekozen ticket openen
help-back = Terug; vanuit de lijst het postvak verlaten
help-search = Zoeken in onderwerpen, berichten en notities
help-reply = De persoon antwoorden in je editor; vraagt voor het versturen
help-note = Een interne notitie toevoegen, nooit naar de persoon verstuurd
help-claim = Het ticket in behandeling nemen, of weer vrijgeven
help-tag = Een label toevoegen (een min ervoor verwijdert het)
help-close = Het ticket afsluiten met zijn classificatie; vraagt eerst
help-urgent = Als dringend markeren met een reden, of de markering weghalen
help-save = Een bijlage bewaren in een bestand (zelf te wissen)
help-view = Open, wachtende, afgesloten of alle tickets tonen
help-refresh = Nu opnieuw ophalen (de lijst vernieuwt ook vanzelf)
help-help = Deze hulp tonen; elke toets sluit ze
help-interrupt = Het postvak meteen verlaten
help-audit = Elke lijst, zoekopdracht en draad die je opent, wordt op jouw naam in het auditlogboek opgenomen.

## Een regel typen

prompt-title = Invoer
prompt-keys = Enter bevestigt · Esc annuleert
prompt-search = Zoeken naar (elk woord moet erin staan):
prompt-tag = Label voor ticket { $id } (een min ervoor verwijdert het):
prompt-urgent = Waarom is ticket { $id } dringend? (mogelijk ernstig en dreigend gevaar)
prompt-path = { $name } bewaren als (een nieuw bestand; ~ is je thuismap):

## Kiezen in een lijst

pick-keys = ↑↓ kiezen · Enter bevestigt · Esc annuleert
pick-keys-several = ↑↓ kiezen · Spatie vinkt aan · Enter bevestigt · Esc annuleert
pick-template = Het antwoord beginnen met een bewaard antwoord?
pick-template-none = (een leeg antwoord)
pick-type = Ticket { $id } afsluiten: wat voor contact was het?
pick-no-classification = (afsluiten zonder classificatie)
pick-categories = Waarover ging het? (geen, één of meerdere thema's)
pick-role = De rol van de persoon, zoals die zichzelf omschrijft
pick-role-none = (niet gezegd)
pick-attachment = Welke bijlage?

## Vragen die een duidelijk ja nodig hebben

confirm-title = Bevestigen
confirm-keys = j: ja · n of Esc: nee
confirm-send-title = Dit wordt verstuurd
confirm-send-to = Aan: de persoon (adres verzegeld; je krijgt het niet te zien)
confirm-send-subject = Onderwerp: { $subject }
confirm-send-more = … en nog { $count ->
    [one] { $count } regel
   *[other] { $count } regels
}
confirm-send-unedited = Dit is het bewaarde antwoord “{ $name }” zoals het is: niets erin is voor deze persoon geschreven.
confirm-send-gaps = { $count ->
    [one] Het bewaarde antwoord heeft nog een open plek om in te vullen.
   *[other] Het bewaarde antwoord heeft nog { $count } open plekken om in te vullen.
}
confirm-send-forced = Iemand anders heeft dit ticket in behandeling: je antwoord gaat daaroverheen, en het auditlogboek houdt dat bij.
confirm-send-question = Versturen?
confirm-force-reply = Ticket { $id } is in behandeling bij { $holder }. Toch antwoorden? Het auditlogboek houdt dat bij.
confirm-close-as = Classificatie: { $classification }
confirm-close-claimed = Ticket in behandeling bij { $holder }: afsluiten gaat daaroverheen, en het auditlogboek houdt dat bij.
confirm-close = Ticket { $id } afsluiten?
confirm-clear-urgent = De dringend-markering van ticket { $id } weghalen?
confirm-take-claim = Ticket { $id } is in behandeling bij { $holder }. Het overnemen? Het auditlogboek houdt dat bij.
confirm-save = { $name } ({ $size }) naar { $path } schrijven? Die kopie is van jou: wis ze als je ze niet meer nodig hebt.

## Wat er gebeurd is

done-sent-now = Antwoord op ticket { $id } in de wachtrij: de dienst verstuurt het nu.
done-sent-no-smtp = Antwoord op ticket { $id } in de wachtrij: het vertrekt zodra een [smtp]-server ingesteld is.
done-sent-later = Antwoord op ticket { $id } in de wachtrij: het vertrekt wanneer de dienst draait.
done-note = Notitie toegevoegd aan ticket { $id }.
done-claimed = Ticket { $id } is bij jou in behandeling: niemand anders antwoordt of sluit het af zonder daaroverheen te gaan.
done-released = Je hebt ticket { $id } weer vrijgegeven.
done-tagged = Label “{ $tag }” toegevoegd.
done-untagged = Label “{ $tag }” verwijderd.
done-closed = Ticket { $id } afgesloten.
done-urgent = Ticket { $id } als dringend gemarkeerd.
done-not-urgent = Ticket { $id } is niet langer dringend.
done-saved = Bewaard in { $path }. Die kopie is van jou: wis ze als je ze niet meer nodig hebt.
inbox-not-sent = Er is niets verstuurd.
inbox-not-closed = Het ticket is niet afgesloten.
inbox-not-saved = Er is niets bewaard.
inbox-nothing-changed = Er is niets veranderd.
inbox-reply-empty = Het antwoord is leeg: er is niets verstuurd.
inbox-note-empty = De notitie is leeg: er is niets bewaard.
inbox-claimed-by-other = Ticket { $id } is in behandeling bij { $holder }: alleen een supervisor kan het overnemen.
inbox-no-reply-address = Dit ticket bewaart geen antwoordadres: het kan niet beantwoord worden.
inbox-no-attachment = Dit ticket heeft geen bijlage die bewaard kan worden.
inbox-no-classification = De classificatie kon niet gelezen worden: het ticket kan hier niet afgesloten worden.
inbox-refused = Geweigerd: { $reason }
inbox-editor-failed = Je editor is mislukt: { $reason }
inbox-save-failed = Niets bewaard in { $path }: { $reason }

## De editor (regels die met # beginnen, worden weggehaald voor er iets verstuurd of bewaard wordt)

editor-reply-hint = Schrijf je antwoord boven deze regels.
editor-reply-gaps = Vul elke { $gap } van het bewaarde antwoord in met wat deze persoon moet lezen.
editor-reply-private = Het gaat naar de persoon vanaf het adres van de hulplijn; jouw naam staat er nooit in.
editor-note-hint = Schrijf de interne notitie boven deze regels. Ze wordt nooit naar de persoon verstuurd.
editor-comments = Regels die met # beginnen, worden weggehaald. Een lege tekst wordt niet verstuurd en niet bewaard.

## Bewaarde antwoorden (ticket templates, ticket reply --template)

templates-column-name = NAAM
templates-column-languages = TALEN
templates-column-first-line = EERSTE REGEL
templates-none = Geen bewaarde antwoorden: zet bestanden NAAM.fr.txt, NAAM.nl.txt of NAAM.en.txt in de map met bewaarde antwoorden (replies.saved_dir).
templates-hint = Begin een antwoord met een ervan: ticket reply ID --template NAAM (herhaal --template om er nog een achter te zetten).
# { $names }: bewaarde antwoorden; { $language }: de taal van het ticket.
reply-in-english = Niet geschreven in het { $language }: { $names } staat er in het Engels. Vertaal het in de editor, of voeg het bestand in die taal toe.

## Antwoordtermijnen (ticket list)

# Hoe lang de schrijver al wacht, in werkuren.
column-work-hours = WERKU.
# Na de werkuren van een ticket dat over de antwoordtermijn is.
list-overdue-mark = te laat

## Datums en tijden, in de tijdzone van de hulplijn, nooit preciezer dan ze bewaard zijn

date-short = { $day }-{ $month }-{ $year }
date-long = { $day } { $month } { $year }
# Een tijd die op het uur bewaard is: het uur waarin het gebeurde.
time-short-hour = { $date } { $hour }u
time-short-minute = { $date } { $time }
time-long-hour = { $date }, tussen { $from } en { $to }
time-long-minute = { $date } om { $time }
month-1 = januari
month-2 = februari
month-3 = maart
month-4 = april
month-5 = mei
month-6 = juni
month-7 = juli
month-8 = augustus
month-9 = september
month-10 = oktober
month-11 = november
month-12 = december

## De hulp van de opdrachtregel (`ticket --help`, `ticket list --help`): cli-OPDRACHT zegt
## wat de opdracht doet, cli-OPDRACHT--OPTIE wat een optie doet, cli--OPTIE een optie die
## meerdere opdrachten delen. Woorden tussen backquotes en in hoofdletters typ je zoals ze
## zijn: laat ze staan.

cli-heading-usage = Gebruik:
cli-heading-commands = Opdrachten
cli-heading-options = Opties
cli-heading-arguments = Argumenten
cli-help-command = Deze hulp tonen, of die van de gegeven opdracht(en)
cli--help = Hulp tonen (een overzicht met '-h', alles met '--help')
cli--version = Versie tonen
cli--id = De referentie van het ticket
cli--json = JSON schrijven
cli-ticket = ticket: de berichten van de hulplijn lezen en beantwoorden
    .long =
        ticket: de berichten van de hulplijn lezen en beantwoorden.

        Elk ticket is de draad van één schrijver. Schrijvers worden nooit getoond met adres of naam, alleen als "schrijver". Elke lezing en elke handeling komt in het auditlogboek onder jouw identiteit, die de dienst uit het systeem haalt (niet uit wat je typt).

        ticket praat met de draaiende dienst (`sourdine run`) via zijn socket. Als er geen dienst draait, opent het de opslag rechtstreeks (beheerders, met --config).

        `ticket` alleen, in een terminal, opent het postvak: de lijst, de draden en elke stap van het werk op één toets (`?` toont ze).

        Afsluitstatus: 0 gedaan; 1 geweigerd of mislukt; 2 geen dienst en geen opslag bereikbaar, of een nodig ja werd niet gegeven; 75 de dienst start of laadt nog zijn catalogus: probeer het zo opnieuw.
cli-ticket--socket = De controlesocket van de dienst [standaard: die van de configuratie, anders /run/sourdine/control.sock]
cli-ticket--config = Configuratiebestand (om de socket te vinden, of de opslag te openen als er geen dienst draait)
cli-ticket--lang = De taal van labels, berichten en datums: fr, nl of en [standaard: $SOURDINE_LANG, anders de locale (LC_ALL, LC_MESSAGES, LANG), anders en]
cli-ticket-inbox = Het postvak: de tickets op het hele scherm, bewerkt met één toets (ook `ticket` alleen, in een terminal)
cli-ticket-list = Tickets tonen: dringende eerst, dan de schrijver die het langst wacht
cli-ticket-list--status = Welke tickets: open (wachten op antwoord), waiting (wachten op de schrijver), closed (gesloten), all (alle)
cli-ticket-list--unanswered = Alleen tickets die nooit beantwoord zijn
cli-ticket-list--mine = Alleen tickets die jij genomen hebt
cli-ticket-list--tag = Alleen tickets met dit label
cli-ticket-list--urgent = Alleen dringende tickets
cli-ticket-list--overdue = Alleen open tickets waarvan de schrijver langer wacht dan het antwoorddoel (replies.target_hours, geteld in de werkuren van [hours])
cli-ticket-list--limit = Hoogstens N tickets tonen (standaard: de eerste 50 in de tabel, alle met --json)
cli-ticket-list--all = Alle gevonden tickets in de tabel tonen, niet alleen de eerste 50
cli-ticket-list--json = Een JSON-array schrijven (id, status, received, subject, ...)
cli-ticket-show = De hele draad van een ticket en zijn notities tonen (het lezen komt in het logboek)
cli-ticket-show--id = De referentie van het ticket (bv. K7F3QX9M; hoofdletters en streepjes doen er niet toe)
cli-ticket-show--json = Een JSON-object schrijven (id, status, messages met hun richting, received, subject, body, attachments)
cli-ticket-attachment = De opgeschoonde bytes van een bijlage in een bestand bewaren (0600; de kopie moet je zelf wissen)
cli-ticket-attachment--attachment = De bijlage: haar nummer (zoals `ticket show` ze toont) of haar naam (attachment-2.jpg)
cli-ticket-attachment--output = Waar de opgeschoonde bytes heen moeten (`-` voor standaarduitvoer, als dat een bestand of een pijp is, nooit een terminal). Het bestand wordt 0600 gemaakt en mag nog niet bestaan
cli-ticket-reply = De schrijver van een ticket antwoorden, na een duidelijk ja (via de uitgaande wachtrij; je naam staat er nooit in)
cli-ticket-reply--file = Het antwoord uit dit bestand lezen (`-` voor standaardinvoer). Zonder dit opent je editor ($VISUAL / $EDITOR) met de draad als commentaar geciteerd
cli-ticket-reply--template = Vertrekken van een bewaard antwoord (`ticket templates` toont ze), in de taal van het ticket (anders in het Engels, en je krijgt het te horen). Herhaal het om er meerdere na elkaar te zetten. De open plekken ([...]) vul jij in: buiten een terminal wordt een bewaard antwoord met een open plek niet verstuurd
cli-ticket-reply--yes = Versturen zonder te vragen (nodig als standaardinvoer of -uitvoer geen terminal is)
cli-ticket-reply--unverified = Versturen hoewel onze mailserver de afzender van het ticket niet controleerde (het antwoord kan iemand bereiken die nooit schreef). Nodig naast --yes, of buiten een terminal; een terminal vraagt het. Komt in het logboek
cli-ticket-reply--force = Een ticket antwoorden dat iemand anders genomen heeft (komt in het auditlogboek)
cli-ticket-templates = De bewaarde antwoorden tonen: naam, talen, eerste regel (vertrek van een ervan met `ticket reply ID --template NAAM`)
cli-ticket-templates--json = Een JSON-lijst tonen (name, languages, first_line)
cli-ticket-reply--resume = Je ontwerp van een antwoord op dit ticket hervatten (`ticket drafts` toont ze). In een terminal biedt `ticket reply ID` het aan
cli-ticket-reply--discard = Je ontwerp van een antwoord op dit ticket vernietigen, en stoppen
cli-ticket-reply--review = Dit antwoord laten nalezen door een supervisor in plaats van het te versturen: het vertrekt zodra een andere supervisor het goedkeurt (`ticket review`). `replies.review` kan het sowieso vragen
cli-ticket-drafts = Je ontwerpen: antwoorden die je schreef en niet verstuurde (`ticket reply ID` hervat er een)
cli-ticket-drafts--json = Een JSON-lijst tonen (ticket, updated, first_line)
cli-ticket-review = Antwoorden die op nalezing door een supervisor wachten: tonen, lezen, goedkeuren (versturen) of afwijzen (als ontwerp terug naar de auteur)
cli-ticket-review--json = Een JSON-lijst tonen (ticket, author, submitted, urgent, sender)
cli-ticket-review-show = Een wachtend antwoord met zijn tekst tonen (het lezen komt in het logboek)
cli-ticket-review-approve = Een wachtend antwoord versturen, na een duidelijk ja (supervisors; nooit je eigen antwoord)
cli-ticket-review-approve--yes = Versturen zonder te vragen (nodig als standaardinvoer of -uitvoer geen terminal is)
cli-ticket-review-approve--unverified = Versturen hoewel onze mailserver de afzender van het ticket niet controleerde (nodig naast --yes, of buiten een terminal; een terminal vraagt het). Komt in het logboek
cli-ticket-review-reject = Een wachtend antwoord als ontwerp teruggeven aan de auteur, met de reden (supervisors)
cli-ticket-review-reject--reason = Waarom: de auteur leest het bij het hervatten van het ontwerp (nooit in het auditlogboek)
cli-ticket-note = Een interne notitie aan een ticket toevoegen (nooit naar de schrijver verstuurd)
cli-ticket-note--file = De notitie uit dit bestand lezen (`-` voor standaardinvoer). Zonder dit wordt de notitie van standaardinvoer gelezen als dat geen terminal is, anders uit $VISUAL / $EDITOR
cli-ticket-close = Een ticket sluiten en de classificatie van het contact noteren (--type, --category, --role); geweigerd als iemand anders het nam, behalve met --force
cli-ticket-close--kind = Het soort contact (een code van `ticket classification`). Nodig tenzij de configuratie `classification_required = false` zegt; in een terminal vraagt `ticket close` het zonder dit
cli-ticket-close--categories = Een categorie van het contact (herhaal voor meerdere)
cli-ticket-close--role = De rol van de schrijver, zoals die zichzelf beschrijft
cli-ticket-close--force = Een ticket sluiten dat iemand anders genomen heeft (komt in het auditlogboek)
cli-ticket-reopen = Een gesloten ticket heropenen
cli-ticket-tag = Een label aan een ticket toevoegen
cli-ticket-tag--tag = Het label (1 tot 64 tekens)
cli-ticket-untag = Een label van een ticket weghalen
cli-ticket-untag--tag = Het label (1 tot 64 tekens)
cli-ticket-claim = Een ticket nemen: jij zult het beantwoorden
cli-ticket-claim--force = Het ticket van iemand anders overnemen (claim) of vrijgeven (release) (supervisors)
cli-ticket-release = Een ticket dat je nam vrijgeven
cli-ticket-release--force = Het ticket van iemand anders overnemen (claim) of vrijgeven (release) (supervisors)
cli-ticket-search = Zoeken in onderwerpen, berichttekst en notities
cli-ticket-search--text = De woorden om te vinden (elk woord moet erin staan; elk vindt het begin van een woord; accenten en hoofdletters doen er niet toe)
cli-ticket-search--limit = Hoogstens N resultaten tonen
cli-ticket-search--json = Een JSON-array schrijven (id, status, subject, excerpt)
cli-ticket-urgent = Een ticket markeren als een situatie van mogelijk ernstig en dreigend gevaar (of de markering weghalen)
cli-ticket-urgent--reason = Waarom: de situatie van mogelijk ernstig en dreigend gevaar (verzegeld bewaard in het ticket; het auditlogboek noteert alleen dat de markering gezet is)
cli-ticket-urgent--clear = De dringend-markering weghalen
cli-ticket-forget = Een ticket nu voorgoed vernietigen (supervisors), na een duidelijk ja: de schrijver vroeg vergeten te worden
cli-ticket-forget--reason = Waarom (komt in het auditlogboek; schrijf het zonder de gegevens van de schrijver)
cli-ticket-forget--yes = Het vernietigen zonder te vragen (nodig als standaardinvoer of -uitvoer geen terminal is)
cli-ticket-reveal = Het geheim opheffen (twee supervisors): vragen, goedkeuren, of de vragen tonen
cli-ticket-reveal--id = Het ticket waarvan het antwoordadres onthuld moet worden
cli-ticket-reveal--reason = Waarom: het ernstig en dreigend gevaar (verzegeld bewaard bij het ticket)
cli-ticket-reveal--approve = De vraag van een andere supervisor goedkeuren; toont het adres één keer
cli-ticket-reveal--list = De vragen tot opheffing van het geheim tonen
cli-ticket-classification = De classificatie van contacten tonen: soorten, categorieën en rollen, met hun labels
cli-ticket-classification--json = JSON schrijven: {"{"}"types": [{"{"}"code", "labels": {"{"}"fr", "nl", "en"{"}"}{"}"}], "categories": [...], "roles": [...]{"}"}
cli-ticket-stats = Statistieken voor verslagen (supervisors): contacten per maand, soort, categorie, rol en taal, antwoorden en antwoordtijd, kleine aantallen verborgen
cli-ticket-stats--from = Eerste maand van de periode, JJJJ-MM [standaard: elf maanden voor --to]
cli-ticket-stats--to = Laatste maand van de periode, inbegrepen, JJJJ-MM [standaard: de huidige maand]
cli-ticket-stats--json = JSON schrijven ({"{"}"from", "to", "threshold", "contacts", "by_month", "by_type", ...{"}"})
cli-ticket-stats--csv = CSV schrijven: één rij per maat, sleutel en waarde
cli-ticket-stats--html = Het verslag als één zelfstandige HTML-pagina (tabellen en grafieken, klaar om te drukken) naar FILE schrijven
cli-ticket-whoami = Tonen wie de dienst denkt dat je bent, en je rol

## ticket list

list-none = Geen tickets gevonden.
list-more = (de eerste { $count }; --limit N of --all toont meer)

## ticket reply, note, tag, claim, close… op de opdrachtregel

# { $what } is reply (het antwoord) of note (de notitie).
text-unreadable = kan { $path } niet lezen: { $reason }
text-editor-failed = kan { $what ->
    [reply] het antwoord
   *[note] de notitie
} niet uit je editor halen: { $reason } (of geef --file F)
text-stdin-empty = { $what ->
    [reply] geen antwoord
   *[note] geen notitie
}: standaardinvoer is geen terminal en gaf niets; geef --file F, stuur de tekst via een pijp, of doe dit in een terminal om hem in je editor te schrijven
text-empty = { $what ->
    [reply] het antwoord is leeg
   *[note] de notitie is leeg
}; er is niets bewaard
reply-no-address = ticket { $id } bewaart geen antwoordadres (het is verlopen of er was er nooit een): het kan niet beantwoord worden
reply-claimed = ticket { $id } is genomen door { $holder }: vraag het hen, of vraag hen het vrij te geven (ticket release { $id }); om toch te antwoorden, geef --force (komt in het auditlogboek)
reply-gaps-left = niet verstuurd: het bewaarde antwoord `{ $name }` heeft nog een open plek ({ $gaps }); schrijf het in een terminal (ticket reply { $id }{ $again }) of geef de afgewerkte tekst met --file F
reply-preview-title = Dit wordt verstuurd:
reply-unedited = Dit is het bewaarde antwoord `{ $name }` precies zoals het is: er is niets in geschreven voor deze schrijver.
reply-gaps-preview = Er is nog een open plek in te vullen: { $gaps }.
reply-not-done = niet verstuurd
reply-with-yes = om het te versturen
reply-unverified = ticket { $id }: onze mailserver controleerde niet wie het stuurde, dus het antwoord kan iemand bereiken die nooit schreef; er is niets in de wachtrij gezet. Lees `ticket show { $id }`, en verstuur het alleen als je zeker bent: voeg --unverified toe naast --yes
# { $what } is een van de vier regels hieronder.
reply-queued = Antwoord { $reference } op ticket { $id } in de wachtrij; { $what }.
reply-queued-now = de dienst verstuurt het nu (ticket show zegt wanneer het weg is)
reply-queued-no-smtp = het wordt verstuurd zodra een [smtp]-server ingesteld is; tot dan wacht het in de uitgaande wachtrij
reply-queued-later = het wordt verstuurd als de dienst draait (er draait nu geen sourdine-dienst)
reply-queued-later-no-smtp = het wordt verstuurd als de dienst draait met een [smtp]-server ingesteld (geen van beide is nu zo)
confirm-needs-yes = { $not_done }: dit vraagt een duidelijk ja, en standaardinvoer of -uitvoer is geen terminal om het te vragen; geef --yes { $with_yes }
confirm-hint-yes-no = [ja/N]
confirm-hint-type = (typ { $word } om te bevestigen)
# Wat een wijziging deed. { $what } is reopened, tagged, untagged, claimed, released, urgent of not-urgent.
said-note = notitie toegevoegd aan ticket { $id }
said-changed = ticket { $id } { $what ->
    [reopened] heropend
    [tagged] gelabeld
    [untagged] label weggehaald
    [claimed] genomen
    [released] vrijgegeven
    [urgent] als dringend gemarkeerd
    [not-urgent] niet meer dringend
   *[closed] gesloten
}
said-unchanged = ticket { $id } was al { $what ->
    [reopened] heropend
    [tagged] zo gelabeld
    [untagged] zonder dit label
    [claimed] genomen
    [released] vrij
    [urgent] als dringend gemarkeerd
    [not-urgent] niet dringend
   *[closed] gesloten
}; er is niets veranderd
said-closed-as = ticket { $id } gesloten ({ $classification })
# The classification a ticket was closed with: its codes, as typed.
said-class-type = soort { $codes }
said-class-categories = categorieën { $codes }
said-class-separator = { "; " }
said-class-role = rol { $codes }
said-already-closed = ticket { $id } was al gesloten; er is niets veranderd (heropen het om de classificatie te wijzigen)
inbox-needs-terminal = het postvak heeft een terminal nodig (standaardinvoer en -uitvoer); de andere opdrachten (ticket list, ticket show ID...) werken overal
search-nothing = Niets gevonden.
attachment-cannot-create = kan { $path } niet maken
attachment-written = { $name } ({ $kind }, { $size }) geschreven naar { $path }
    Deze geëxporteerde kopie moet je zelf wissen als je ze niet meer nodig hebt.
whoami-line = { $name } (uid { $uid }), { $role }, { $through }
whoami-remote = via de draaiende dienst
whoami-local = opslag rechtstreeks geopend (er draait geen dienst)
forget-no-reason = geef een reden met --reason; er is niets vernietigd
forget-title = Ticket vernietigen
forget-summary = { $count ->
    [one] { $count } bericht
   *[other] { $count } berichten
}, ontvangen { $received }
forget-warning = Zijn berichten, bijlagen, notities, antwoorden en het antwoordadres van de schrijver worden vernietigd, met de sleutels die ze konden openen. Dit kan niet ongedaan gemaakt worden.
forget-question = Het voorgoed vernietigen?
forget-not-done = er is niets vernietigd
forget-with-yes = om het ticket te vernietigen
forget-nothing-destroyed = Er is niets vernietigd.
forget-done = Ticket { $id } vernietigd: er kan niets meer van gelezen worden (de gegevens zijn weg en de sleutels die ze konden openen vernietigd). Het auditlogboek bewaart dat jij het vernietigde, en waarom.
reveal-none = Geen vragen tot opheffing van het geheim.
reveal-column-request = VRAAG
reveal-column-asked-by = GEVRAAGD DOOR
reveal-column-when = WANNEER
reveal-column-approved-by = GOEDGEKEURD DOOR
reveal-column-reason = REDEN
reveal-pending = in afwachting
reveal-lifted = GEHEIM OPGEHEVEN
reveal-address-is = Ticket { $id }: het antwoordadres van de schrijver is
reveal-shown-once = Het wordt één keer getoond en komt in het auditlogboek. Bewaar het nergens anders.
reveal-requested = Vraag tot opheffing { $request } genoteerd voor ticket { $id }.
    Een tweede supervisor keurt ze goed met: ticket reveal --approve { $request }
classification-types = Soorten (één per contact: --type CODE)
classification-categories = Categorieën (geen, één of meerdere: --category CODE ...)
classification-roles = De rol van de schrijver (hoogstens één: --role CODE)
classification-column-code = CODE
classification-column-label = LABEL
classification-retired = (ingetrokken: niet meer aangeboden)
classification-required = Een ticket sluiten vraagt een soort: ticket close ID --type CODE [--category CODE]... [--role CODE]
classification-optional = Een soort is niet verplicht bij het sluiten (classification_required = false).

## Sluiten op de opdrachtregel: de classificatie met nummers

pick-intro = Ticket { $id }: classificeer het contact om het te sluiten (een leeg antwoord op de soort annuleert).
pick-types = Soort contact:
pick-type-prompt = Soort (nummer)
pick-categories-title = Categorieën (geen, één of meerdere):
pick-categories-prompt = Categorieën (nummers gescheiden door spaties; Enter voor geen)
pick-role-title = De rol van de schrijver, zoals die zichzelf beschrijft:
pick-role-prompt = Rol (nummer; Enter voor geen)
pick-give = { $max ->
    [one] geef een nummer van 1 tot { $n }
   *[other] geef nummers van 1 tot { $n }
}
pick-cancelled = geen soort gekozen; het ticket is niet gesloten
pick-invalid = geen geldig antwoord na { $tries } pogingen; het ticket is niet gesloten

## Concepten: antwoorden die geschreven en niet verstuurd zijn (verzegeld bewaard, alleen zichtbaar voor wie ze schreef)

draft-offer = Je bewaart een concept van een antwoord op ticket { $id }, opgeslagen { $when }. Verder werken aan het concept? (nee: opnieuw beginnen; het nieuwe antwoord vervangt het concept)
draft-returned = { $name } heeft het na nalezing teruggestuurd: { $reason }
draft-none = je bewaart geen concept van een antwoord op ticket { $id } (`ticket drafts` toont de jouwe)
draft-replaced = Je concept van een antwoord op ticket { $id } wordt vervangen door dit antwoord als het bewaard of verstuurd wordt (--resume werkt in de plaats daarvan verder aan het concept).
draft-discarded = Je concept van een antwoord op ticket { $id } is weggegooid.
draft-nothing-to-discard = Je bewaart geen concept van een antwoord op ticket { $id }; er is niets veranderd.
draft-kept = Niet verstuurd. Bewaard als concept: `ticket reply { $id }` biedt het opnieuw aan (--resume buiten een terminal).
draft-kept-resume = Je antwoord is bewaard als concept: `ticket reply { $id } --resume` werkt eraan verder.
draft-unreachable = De dienst is onbereikbaar, dus het antwoord is niet verstuurd en niet als concept bewaard: ticket schrijft er niets van op de schijf van deze computer.
draft-unreachable-text = De tekst volgt hieronder: kopieer hem voor je deze terminal sluit.
drafts-none = Je bewaart geen concepten.
column-saved = OPGESLAGEN
column-first-line = EERSTE REGEL
editor-draft-resumed = Je concept, opgeslagen { $when }.
inbox-kept-as-draft = Niet verstuurd. Bewaard als concept: `ticket reply { $id }` werkt eraan verder.

## Een tweede lezer: antwoorden die op een supervisor wachten

reply-held = Het antwoord op ticket { $id } wacht op nalezing door een supervisor (`ticket review`): het vertrekt zodra een andere supervisor het goedkeurt.
done-held-for-review = Het antwoord op ticket { $id } wacht op nalezing door een supervisor: het vertrekt zodra het goedgekeurd is.
review-none = Geen enkel antwoord wacht op nalezing.
column-author = AUTEUR
review-show-header = Antwoord van { $author } op ticket { $id }, ingediend { $when }:
review-not-sent = Niet verstuurd: het antwoord wacht nog op nalezing.
review-returned = Het antwoord op ticket { $id } is als concept teruggegaan naar wie het schreef, met je reden.
review-unverified = ticket { $id }: onze mailserver kon niet nagaan wie het stuurde, dus het antwoord kan iemand bereiken die nooit geschreven heeft; er is niets verstuurd. Lees `ticket show { $id }`, en keur het alleen goed als je zeker bent: voeg --unverified toe naast --yes
