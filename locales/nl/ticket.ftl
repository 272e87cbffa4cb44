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
