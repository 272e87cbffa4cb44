# Ce que `ticket` dit à l'intervenant·e, en français.
#
# Un message par ligne : `identifiant = texte`. Les mots entre accolades, comme { $id },
# sont remplis par le programme : gardez-les tels quels. Les fichiers anglais et néerlandais
# contiennent les mêmes messages ; un test échoue s'il manque un message ou l'un de ses
# { $mots } dans une langue. Les lignes qui commencent par # sont des commentaires pour
# la relecture.

## La boîte de réception : barre de titre

inbox-title = Boîte de réception
inbox-view-open = tickets ouverts
inbox-view-waiting = en attente de la personne
inbox-view-closed = tickets clôturés
inbox-view-all = tous les tickets
inbox-count = { $count ->
    [one] { $count } ticket
   *[other] { $count } tickets
}
# { $name } est le nom d'utilisateur de l'intervenant·e, { $role } l'un des deux rôles ci-dessous.
inbox-whoami = { $name } ({ $role })
role-counsellor = intervenant·e
role-supervisor = superviseur·e
inbox-too-small = Ce terminal est trop petit pour la boîte de réception : agrandissez-le à au moins { $width } colonnes sur { $height } lignes.

## La liste

column-ticket = TICKET
column-status = ÉTAT
column-waiting = ATTENTE
column-received = REÇU LE
column-messages = MSG
column-claimed = PRIS PAR
column-subject = OBJET
status-open = ouvert
status-waiting = en attente
status-closed = clôturé
inbox-empty = Aucun ticket ici. Les nouveaux messages apparaissent d'eux-mêmes.
inbox-loading = Chargement des tickets…
error-service-starting = Le service démarre et ne répond pas encore ; réessayez dans un instant.
error-still-loading = Le service charge encore son catalogue (démarré il y a { $seconds } s) ; réessayez dans un instant.

# Depuis combien de temps la personne attend, jamais plus précisément que les heures enregistrées.
waited-future = dans le futur
waited-today = aujourd'hui
waited-this-hour = cette heure-ci
waited-now = à l'instant
waited-minutes = il y a { $n } min
waited-hours = il y a { $n } h
waited-days = il y a { $n } j
waited-months = il y a { $n } mois

## Le fil d'un ticket

thread-ticket = Ticket
thread-urgent = URGENT
thread-subject = Objet :
thread-received = Reçu le :
thread-language = Langue :
thread-urgent-reason = Urgence :
thread-claimed = Pris par :
thread-classification = Classification :
thread-tags = Étiquettes :
thread-no-reply = Aucune adresse de réponse n'est conservée pour ce ticket : il ne peut pas recevoir de réponse.
thread-from-writer = la personne a écrit
thread-from-helpline = la ligne d'écoute a répondu
thread-from-acknowledgement = accusé de réception automatique
thread-different-sender = Ce message vient d'une autre adresse que le premier.
thread-notes = notes internes (jamais envoyées)
# Une pièce jointe : son numéro, son nom générique, son type et sa taille.
thread-attachment = [{ $number }] { $name } ({ $kind }, { $size })
attachment-cleaned = nettoyée de ses métadonnées
attachment-as-is = gardée telle quelle
attachment-withheld = retenue
attachment-withheld-because = retenue : { $reason }
withheld-carries-identity = ce type de fichier contient des identités
withheld-not-cleaned = ce format ne peut pas encore être nettoyé de ses métadonnées
withheld-unsupported = ce type de fichier n'est pas accepté
withheld-encrypted = un contenu chiffré ne peut pas être nettoyé
withheld-too-large = plus grande que la limite des pièces jointes
withheld-message-too-large = les pièces jointes du message dépassaient la limite de taille
withheld-cleaner-failed = le nettoyage de ce fichier a échoué
withheld-damaged = le fichier est endommagé
withheld-limit-exceeded = le fichier dépasse une limite de sécurité
withheld-quarantined = sorti de la quarantaine : pièces jointes retenues
sender-unknown = Expéditeur non vérifié : notre serveur de messagerie n'a pas pu confirmer qui a envoyé ce message. Une réponse part vers l'adresse d'où il vient, qui n'est peut-être pas celle de la personne.
sender-failed = Expéditeur non vérifié, et suspect : la vérification de l'expéditeur par notre serveur de messagerie a échoué (le message est peut-être falsifié). Une réponse part vers l'adresse d'où il vient, qui appartient peut-être à quelqu'un qui n'a jamais écrit.
delivery-queued = en file d'attente, pas encore envoyée
delivery-retrying = pas encore envoyée ({ $attempts } tentatives ; { $reason })
delivery-sent = envoyée
delivery-not-delivered = non distribuée : { $reason }
delivery-bounced = échec de la distribution (le serveur de la personne l'a renvoyée)
language-fr = français
language-nl = néerlandais
language-en = anglais
language-unknown = non reconnue

## Recherche

search-title = Recherche « { $query } » : { $count ->
    [one] { $count } ticket
   *[other] { $count } tickets
}
search-none = Rien trouvé pour « { $query } ».

## Touches : les libellés courts du bas de l'écran

key-move = se déplacer
key-scroll = défiler
key-open = ouvrir
key-back = retour
key-quit = quitter
key-search = chercher
key-reply = répondre
key-note = note
key-claim = prendre
key-tag = étiquette
key-close = clôturer
key-urgent = urgent
key-save = pièce jointe
key-view = quels tickets
key-refresh = actualiser
key-help = aide

## Touches : l'aide (touche ?)

help-title = Touches
help-move = Parcourir la liste, ou faire défiler le fil
help-open = Ouvrir le ticket sélectionné
help-back = Revenir en arrière ; depuis la liste, quitter
help-search = Chercher dans les objets, les messages et les notes
help-reply = Répondre dans votre éditeur ; demande avant d'envoyer
help-note = Ajouter une note interne, jamais envoyée à la personne
help-claim = Prendre le ticket en charge, ou le libérer
help-tag = Ajouter une étiquette (un moins devant la retire)
help-close = Clôturer le ticket avec sa classification ; demande d'abord
help-urgent = Marquer urgent avec un motif, ou retirer la marque
help-save = Enregistrer une pièce jointe dans un fichier (à supprimer par vous)
help-view = Afficher les tickets ouverts, en attente, clôturés ou tous
help-refresh = Recharger maintenant (la liste s'actualise aussi seule)
help-help = Afficher cette aide ; n'importe quelle touche la ferme
help-interrupt = Quitter immédiatement
help-audit = Chaque liste, recherche et fil que vous ouvrez est inscrit à votre nom dans le journal d'audit.

## Saisir une ligne

prompt-title = Saisie
prompt-keys = Entrée valide · Échap annule
prompt-search = Chercher (tous les mots doivent y être) :
prompt-tag = Étiquette pour le ticket { $id } (un moins devant la retire) :
prompt-urgent = Pourquoi le ticket { $id } est-il urgent ? (danger grave et imminent possible)
prompt-path = Enregistrer { $name } sous (un nouveau fichier ; ~ est votre dossier personnel) :

## Choisir dans une liste

pick-keys = ↑↓ choisir · Entrée valide · Échap annule
pick-keys-several = ↑↓ choisir · Espace coche · Entrée valide · Échap annule
pick-template = Partir d'une réponse enregistrée ?
pick-template-none = (une réponse vide)
pick-type = Clôturer le ticket { $id } : quel type de contact était-ce ?
pick-no-classification = (clôturer sans classification)
pick-categories = De quoi s'agissait-il ? (aucun, un ou plusieurs thèmes)
pick-role = Le rôle de la personne, tel qu'elle le décrit
pick-role-none = (non précisé)
pick-attachment = Quelle pièce jointe ?

## Questions qui demandent un oui clair

confirm-title = Confirmer
confirm-keys = o : oui · n ou Échap : non
confirm-send-title = Ceci sera envoyé
confirm-send-to = À : la personne (adresse scellée ; vous ne la verrez pas)
confirm-send-subject = Objet : { $subject }
confirm-send-more = … et { $count ->
    [one] { $count } ligne de plus
   *[other] { $count } lignes de plus
}
confirm-send-unedited = C'est la réponse enregistrée « { $name } » telle quelle : rien n'y a été écrit pour cette personne.
confirm-send-gaps = { $count ->
    [one] La réponse enregistrée a encore un passage à compléter.
   *[other] La réponse enregistrée a encore { $count } passages à compléter.
}
confirm-send-forced = Quelqu'un d'autre a pris ce ticket : votre réponse passe outre, et le journal d'audit le note.
confirm-send-question = L'envoyer ?
confirm-force-reply = Le ticket { $id } est pris par { $holder }. Y répondre quand même ? Le journal d'audit le note.
confirm-close-as = Classification : { $classification }
confirm-close-claimed = Ticket pris par { $holder } : le clôturer passe outre, et le journal d'audit le note.
confirm-close = Clôturer le ticket { $id } ?
confirm-clear-urgent = Retirer la marque d'urgence du ticket { $id } ?
confirm-take-claim = Le ticket { $id } est pris par { $holder }. Le reprendre ? Le journal d'audit le note.
confirm-save = Écrire { $name } ({ $size }) dans { $path } ? Cette copie est à vous de la supprimer quand vous n'en avez plus besoin.

## Ce qui s'est passé

done-sent-now = Réponse au ticket { $id } mise en file : le service l'envoie maintenant.
done-sent-no-smtp = Réponse au ticket { $id } mise en file : elle partira dès qu'un serveur [smtp] sera configuré.
done-sent-later = Réponse au ticket { $id } mise en file : elle partira quand le service tournera.
done-note = Note ajoutée au ticket { $id }.
done-claimed = Le ticket { $id } est à vous : personne d'autre n'y répond ni ne le clôture sans passer outre.
done-released = Vous avez libéré le ticket { $id }.
done-tagged = Étiquette « { $tag } » ajoutée.
done-untagged = Étiquette « { $tag } » retirée.
done-closed = Ticket { $id } clôturé.
done-urgent = Ticket { $id } marqué urgent.
done-not-urgent = Le ticket { $id } n'est plus urgent.
done-saved = Enregistré dans { $path }. Cette copie est à vous de la supprimer quand vous n'en avez plus besoin.
inbox-not-sent = Rien n'a été envoyé.
inbox-not-closed = Le ticket n'a pas été clôturé.
inbox-not-saved = Rien n'a été enregistré.
inbox-nothing-changed = Rien n'a changé.
inbox-reply-empty = La réponse est vide : rien n'a été envoyé.
inbox-note-empty = La note est vide : rien n'a été enregistré.
inbox-claimed-by-other = Le ticket { $id } est pris par { $holder } : seul·e un·e superviseur·e peut le reprendre.
inbox-no-reply-address = Ce ticket ne conserve aucune adresse de réponse : il ne peut pas recevoir de réponse.
inbox-no-attachment = Ce ticket n'a aucune pièce jointe à enregistrer.
inbox-no-classification = La classification n'a pas pu être lue : le ticket ne peut pas être clôturé d'ici.
inbox-refused = Refusé : { $reason }
inbox-editor-failed = Votre éditeur a échoué : { $reason }
inbox-save-failed = Rien n'a été enregistré dans { $path } : { $reason }

## L'éditeur (les lignes qui commencent par # sont retirées avant tout envoi ou enregistrement)

editor-reply-hint = Écrivez votre réponse au-dessus de ces lignes.
editor-reply-gaps = Complétez chaque { $gap } de la réponse enregistrée avec ce que cette personne a besoin de lire.
editor-reply-private = Elle part vers la personne depuis l'adresse de la ligne d'écoute ; votre nom n'y figure jamais.
editor-note-hint = Écrivez la note interne au-dessus de ces lignes. Elle n'est jamais envoyée à la personne.
editor-comments = Les lignes qui commencent par # sont retirées. Un texte vide n'est ni envoyé ni enregistré.

## Réponses enregistrées (ticket templates, ticket reply --template)

templates-column-name = NOM
templates-column-languages = LANGUES
templates-column-first-line = PREMIÈRE LIGNE
templates-none = Aucune réponse enregistrée : placez des fichiers NOM.fr.txt, NOM.nl.txt ou NOM.en.txt dans le dossier des réponses enregistrées (replies.saved_dir).
templates-hint = Pour partir de l'une d'elles : ticket reply ID --template NOM (répétez --template pour en ajouter une autre à la suite).
# { $names } : des réponses enregistrées ; { $language } : la langue du ticket.
reply-in-english = Pas de version en { $language } : { $names } est donnée en anglais. Traduisez-la dans l'éditeur, ou ajoutez le fichier dans cette langue.

## Délais de réponse (ticket list)

# Le temps d'attente de la personne, compté en heures ouvrables.
column-work-hours = H OUVR.
# Après les heures ouvrables d'un ticket qui a dépassé le délai de réponse.
list-overdue-mark = en retard

## Dates et heures, dans le fuseau horaire de la ligne d'écoute, jamais plus précises qu'enregistrées

date-short = { $day }/{ $month }/{ $year }
date-long = { $day } { $month } { $year }
# Une heure enregistrée à l'heure près : l'heure pendant laquelle c'est arrivé.
time-short-hour = { $date } { $hour }h
time-short-minute = { $date } { $time }
time-long-hour = { $date }, entre { $from } et { $to }
time-long-minute = { $date } à { $time }
month-1 = janvier
month-2 = février
month-3 = mars
month-4 = avril
month-5 = mai
month-6 = juin
month-7 = juillet
month-8 = août
month-9 = septembre
month-10 = octobre
month-11 = novembre
month-12 = décembre

## L'aide de la ligne de commande (`ticket --help`, `ticket list --help`) : cli-COMMANDE dit
## ce que fait la commande, cli-COMMANDE--OPTION ce que fait une option, cli--OPTION une
## option commune à plusieurs commandes. Les mots entre accents graves et en capitales se
## tapent tels quels : gardez-les.

cli-heading-usage = Utilisation :
cli-heading-commands = Commandes
cli-heading-options = Options
cli-heading-arguments = Arguments
cli-help-command = Afficher cette aide, ou celle des commandes données
cli--help = Afficher l'aide (un résumé avec '-h', tout avec '--help')
cli--version = Afficher la version
cli--id = La référence du ticket
cli--json = Écrire du JSON
cli-ticket = ticket : lire les messages de la ligne d'écoute et y répondre
    .long =
        ticket : lire les messages de la ligne d'écoute et y répondre.

        Chaque ticket est le fil d'une personne qui écrit. Elle n'est jamais montrée par son adresse ni par son nom, seulement comme « la personne ». Chaque lecture et chaque action est inscrite dans le journal d'audit sous votre identité, que le service lit dans le système (pas dans ce que vous tapez).

        ticket parle au service en marche (`sourdine run`) par son socket. Quand aucun service ne tourne, il ouvre le stockage directement (exploitants, avec --config).

        `ticket` seul, dans un terminal, ouvre la boîte de réception : la liste, les fils et chaque étape du travail sur une seule touche (`?` les liste).

        Code de sortie : 0 fait ; 1 refusé ou échoué ; 2 ni service ni stockage joignable, ou un oui nécessaire n'a pas été donné ; 75 le service démarre ou charge encore son catalogue : réessayez dans un instant.
cli-ticket--socket = Le socket de contrôle du service [par défaut : celui de la configuration, sinon /run/sourdine/control.sock]
cli-ticket--config = Fichier de configuration (pour trouver le socket, ou ouvrir le stockage quand aucun service ne tourne)
cli-ticket--lang = La langue des libellés, messages et dates : fr, nl ou en [par défaut : $SOURDINE_LANG, sinon la locale (LC_ALL, LC_MESSAGES, LANG), sinon en]
cli-ticket-inbox = La boîte de réception : les tickets en plein écran, travaillés sur une seule touche (aussi `ticket` seul, dans un terminal)
cli-ticket-list = Lister les tickets : les urgents d'abord, puis la personne qui attend depuis le plus longtemps
cli-ticket-list--status = Quels tickets : open (attendent une réponse), waiting (attendent la personne), closed (clôturés), all (tous)
cli-ticket-list--unanswered = Seulement les tickets jamais répondus
cli-ticket-list--mine = Seulement les tickets que vous avez pris
cli-ticket-list--tag = Seulement les tickets qui ont cette étiquette
cli-ticket-list--urgent = Seulement les tickets urgents
cli-ticket-list--overdue = Seulement les tickets ouverts dont la personne attend depuis plus longtemps que l'objectif de réponse (replies.target_hours, compté en heures ouvrables de [hours])
cli-ticket-list--limit = Montrer au plus N tickets (par défaut : les 50 premiers dans le tableau, tous avec --json)
cli-ticket-list--all = Montrer tous les tickets trouvés dans le tableau, pas seulement les 50 premiers
cli-ticket-list--json = Écrire un tableau JSON (id, status, received, subject, ...)
cli-ticket-show = Montrer tout le fil d'un ticket et ses notes (la lecture est inscrite au journal)
cli-ticket-show--id = La référence du ticket (par ex. K7F3QX9M ; majuscules et tirets sans importance)
cli-ticket-show--json = Écrire un objet JSON (id, status, messages avec leur sens, received, subject, body, attachments)
cli-ticket-attachment = Enregistrer les octets nettoyés d'une pièce jointe dans un fichier (0600 ; la copie est à vous de supprimer)
cli-ticket-attachment--attachment = La pièce jointe : son numéro (comme `ticket show` la liste) ou son nom (attachment-2.jpg)
cli-ticket-attachment--output = Où écrire les octets nettoyés (`-` pour la sortie standard, quand c'est un fichier ou un tube, jamais un terminal). Le fichier est créé en 0600 et ne doit pas encore exister
cli-ticket-reply = Répondre à la personne d'un ticket, après un oui clair (par la file d'envoi ; votre nom n'y figure jamais)
cli-ticket-reply--file = Lire la réponse dans ce fichier (`-` pour l'entrée standard). Sans lui, votre éditeur ($VISUAL / $EDITOR) s'ouvre avec le fil cité en commentaires
cli-ticket-reply--template = Partir d'une réponse enregistrée (`ticket templates` les liste), dans la langue du ticket (sinon en anglais, et vous en êtes averti). Répétez-le pour en mettre plusieurs l'une après l'autre. Ses passages à compléter ([...]) sont à vous : hors d'un terminal, une réponse enregistrée avec un passage à compléter n'est pas envoyée
cli-ticket-reply--yes = Envoyer sans demander (nécessaire quand l'entrée ou la sortie standard n'est pas un terminal)
cli-ticket-reply--unverified = Envoyer bien que notre serveur de messagerie n'ait pas vérifié l'expéditeur du ticket (la réponse pourrait atteindre quelqu'un qui n'a jamais écrit). Nécessaire avec --yes, ou hors d'un terminal ; un terminal le demande. Inscrit au journal
cli-ticket-reply--force = Répondre à un ticket pris par quelqu'un d'autre (inscrit au journal d'audit)
cli-ticket-templates = Lister les réponses enregistrées : nom, langues, première ligne (partir de l'une d'elles avec `ticket reply ID --template NOM`)
cli-ticket-templates--json = Afficher un tableau JSON (name, languages, first_line)
cli-ticket-reply--resume = Reprendre votre brouillon de réponse à ce ticket (`ticket drafts` les liste). Dans un terminal, `ticket reply ID` le propose
cli-ticket-reply--discard = Détruire votre brouillon de réponse à ce ticket, et s'arrêter
cli-ticket-reply--review = Soumettre cette réponse à la relecture d'un superviseur au lieu de l'envoyer : elle part quand un autre superviseur l'approuve (`ticket review`). `replies.review` peut le demander de toute façon
cli-ticket-drafts = Vos brouillons : les réponses écrites et non envoyées (`ticket reply ID` en reprend un)
cli-ticket-drafts--json = Afficher un tableau JSON (ticket, updated, first_line)
cli-ticket-review = Les réponses qui attendent la relecture d'un superviseur : lister, afficher, approuver (envoyer) ou refuser (rendre à l'auteur comme brouillon)
cli-ticket-review--json = Afficher un tableau JSON (ticket, author, submitted, urgent, sender)
cli-ticket-review-show = Afficher une réponse en attente avec son texte (la lecture est inscrite au journal)
cli-ticket-review-approve = Envoyer une réponse en attente, après un oui clair (superviseurs ; jamais votre propre réponse)
cli-ticket-review-approve--yes = Envoyer sans demander (nécessaire quand l'entrée ou la sortie standard n'est pas un terminal)
cli-ticket-review-approve--unverified = Envoyer bien que notre serveur de messagerie n'ait pas vérifié l'expéditeur du ticket (nécessaire avec --yes, ou hors d'un terminal ; un terminal le demande). Inscrit au journal
cli-ticket-review-reject = Rendre une réponse en attente à son auteur comme brouillon, avec la raison (superviseurs)
cli-ticket-review-reject--reason = Pourquoi : l'auteur le lit en reprenant le brouillon (jamais dans le journal d'audit)
cli-ticket-note = Ajouter une note interne à un ticket (jamais envoyée à la personne)
cli-ticket-note--file = Lire la note dans ce fichier (`-` pour l'entrée standard). Sans lui, la note est lue sur l'entrée standard quand ce n'est pas un terminal, sinon dans $VISUAL / $EDITOR
cli-ticket-close = Clôturer un ticket en notant la classification du contact (--type, --category, --role) ; refusé si quelqu'un d'autre l'a pris, sauf avec --force
cli-ticket-close--kind = Le type de contact (un code de `ticket classification`). Nécessaire sauf si la configuration dit `classification_required = false` ; dans un terminal, sans lui, `ticket close` le demande
cli-ticket-close--categories = Une catégorie du contact (à répéter pour plusieurs)
cli-ticket-close--role = Le rôle de la personne, tel qu'elle le décrit
cli-ticket-close--force = Clôturer un ticket pris par quelqu'un d'autre (inscrit au journal d'audit)
cli-ticket-reopen = Rouvrir un ticket clôturé
cli-ticket-tag = Ajouter une étiquette à un ticket
cli-ticket-tag--tag = L'étiquette (1 à 64 caractères)
cli-ticket-untag = Retirer une étiquette d'un ticket
cli-ticket-untag--tag = L'étiquette (1 à 64 caractères)
cli-ticket-claim = Prendre un ticket : c'est vous qui y répondrez
cli-ticket-claim--force = Reprendre (claim) ou libérer (release) le ticket pris par quelqu'un d'autre (superviseur·es)
cli-ticket-release = Libérer un ticket que vous avez pris
cli-ticket-release--force = Reprendre (claim) ou libérer (release) le ticket pris par quelqu'un d'autre (superviseur·es)
cli-ticket-search = Chercher dans les objets, le texte des messages et les notes
cli-ticket-search--text = Les mots à trouver (chaque mot doit y être ; chacun trouve le début d'un mot ; accents et majuscules sans importance)
cli-ticket-search--limit = Montrer au plus N résultats
cli-ticket-search--json = Écrire un tableau JSON (id, status, subject, excerpt)
cli-ticket-urgent = Marquer un ticket comme une situation de danger grave et imminent possible (ou retirer la marque)
cli-ticket-urgent--reason = Pourquoi : la situation de danger grave et imminent possible (gardée scellée dans le ticket ; le journal d'audit note seulement que la marque a été posée)
cli-ticket-urgent--clear = Retirer la marque d'urgence
cli-ticket-forget = Détruire un ticket maintenant, pour de bon (superviseur·es), après un oui clair : la personne a demandé à être oubliée
cli-ticket-forget--reason = Pourquoi (inscrit au journal d'audit ; écrivez-le sans les détails de la personne)
cli-ticket-forget--yes = Le détruire sans demander (nécessaire quand l'entrée ou la sortie standard n'est pas un terminal)
cli-ticket-reveal = Lever le secret (deux superviseur·es) : demander, approuver, ou lister les demandes
cli-ticket-reveal--id = Le ticket dont l'adresse de réponse doit être révélée
cli-ticket-reveal--reason = Pourquoi : le danger grave et imminent (gardé scellé avec le ticket)
cli-ticket-reveal--approve = Approuver la demande d'un·e autre superviseur·e ; montre l'adresse une fois
cli-ticket-reveal--list = Lister les demandes de levée du secret
cli-ticket-classification = Lister la classification des contacts : types, catégories et rôles, avec leurs libellés
cli-ticket-classification--json = Écrire du JSON : {"{"}"types": [{"{"}"code", "labels": {"{"}"fr", "nl", "en"{"}"}{"}"}], "categories": [...], "roles": [...]{"}"}
cli-ticket-stats = Statistiques pour les rapports (superviseur·es) : contacts par mois, type, catégorie, rôle et langue, réponses et délai de réponse, petits nombres masqués
cli-ticket-stats--from = Premier mois de la période, AAAA-MM [par défaut : onze mois avant --to]
cli-ticket-stats--to = Dernier mois de la période, inclus, AAAA-MM [par défaut : le mois en cours]
cli-ticket-stats--json = Écrire du JSON ({"{"}"from", "to", "threshold", "contacts", "by_month", "by_type", ...{"}"})
cli-ticket-stats--csv = Écrire du CSV : une ligne par mesure, clé et valeur
cli-ticket-stats--html = Écrire le rapport dans FILE, en une page HTML autonome (tableaux et graphiques, prête à imprimer)
cli-ticket-whoami = Montrer qui le service pense que vous êtes, et votre rôle

## ticket list

list-none = Aucun ticket ne correspond.
list-more = (les { $count } premiers ; --limit N ou --all en montre plus)

## ticket reply, note, tag, claim, close… en ligne de commande

# { $what } vaut reply (la réponse) ou note (la note).
text-unreadable = impossible de lire { $path } : { $reason }
text-editor-failed = impossible d'obtenir { $what ->
    [reply] la réponse
   *[note] la note
} de votre éditeur : { $reason } (ou donnez --file F)
text-stdin-empty = { $what ->
    [reply] aucune réponse
   *[note] aucune note
} : l'entrée standard n'est pas un terminal et n'a rien donné ; donnez --file F, envoyez le texte par un tube, ou lancez ceci dans un terminal pour l'écrire dans votre éditeur
text-empty = { $what ->
    [reply] la réponse est vide
   *[note] la note est vide
} : rien n'a été enregistré
reply-no-address = le ticket { $id } ne conserve aucune adresse de réponse (elle a expiré ou il n'y en a jamais eu) : il ne peut pas recevoir de réponse
reply-claimed = le ticket { $id } est pris par { $holder } : demandez-lui, ou demandez-lui de le libérer (ticket release { $id }) ; pour y répondre quand même, donnez --force (inscrit au journal d'audit)
reply-gaps-left = non envoyée : la réponse enregistrée « { $name } » a encore un passage à compléter ({ $gaps }) ; écrivez-la dans un terminal (ticket reply { $id }{ $again }) ou donnez le texte terminé avec --file F
reply-preview-title = Ceci sera envoyé :
reply-unedited = C'est la réponse enregistrée `{ $name }` telle quelle : rien n'y a été écrit pour cette personne.
reply-gaps-preview = Il reste un passage à compléter : { $gaps }.
reply-not-done = non envoyée
reply-with-yes = pour l'envoyer
reply-unverified = ticket { $id } : notre serveur de messagerie n'a pas vérifié qui l'a envoyé, la réponse pourrait donc atteindre quelqu'un qui n'a jamais écrit ; rien n'a été mis en file. Lisez `ticket show { $id }`, et ne l'envoyez que si vous êtes sûr·e : ajoutez --unverified à côté de --yes
# { $what } est l'une des quatre lignes ci-dessous.
reply-queued = Réponse { $reference } au ticket { $id } mise en file ; { $what }.
reply-queued-now = le service l'envoie maintenant (ticket show dit quand elle est partie)
reply-queued-no-smtp = elle partira dès qu'un serveur [smtp] sera configuré ; d'ici là elle attend dans la file d'envoi
reply-queued-later = elle partira quand le service tournera (aucun service sourdine ne tourne maintenant)
reply-queued-later-no-smtp = elle partira quand le service tournera avec un serveur [smtp] configuré (ni l'un ni l'autre pour l'instant)
confirm-needs-yes = { $not_done } : il faut un oui clair, et l'entrée ou la sortie standard n'est pas un terminal où le demander ; donnez --yes { $with_yes }
confirm-hint-yes-no = [oui/N]
confirm-hint-type = (tapez { $word } pour confirmer)
# Ce qu'une modification a fait. { $what } vaut reopened, tagged, untagged, claimed, released, urgent ou not-urgent.
said-note = note ajoutée au ticket { $id }
said-changed = ticket { $id } { $what ->
    [reopened] rouvert
    [tagged] étiqueté
    [untagged] désétiqueté
    [claimed] pris
    [released] libéré
    [urgent] marqué urgent
    [not-urgent] n'est plus urgent
   *[closed] clôturé
}
said-unchanged = le ticket { $id } était déjà { $what ->
    [reopened] rouvert
    [tagged] étiqueté ainsi
    [untagged] sans cette étiquette
    [claimed] pris
    [released] libre
    [urgent] marqué urgent
    [not-urgent] non urgent
   *[closed] clôturé
} ; rien n'a changé
said-closed-as = ticket { $id } clôturé ({ $classification })
# The classification a ticket was closed with: its codes, as typed.
said-class-type = type { $codes }
said-class-categories = catégories { $codes }
said-class-separator = { " ; " }
said-class-role = rôle { $codes }
said-already-closed = le ticket { $id } était déjà clôturé ; rien n'a changé (rouvrez-le pour changer sa classification)
inbox-needs-terminal = la boîte de réception a besoin d'un terminal (entrée et sortie standard) ; les autres commandes (ticket list, ticket show ID...) marchent partout
search-nothing = Rien trouvé.
attachment-cannot-create = impossible de créer { $path }
attachment-written = { $name } ({ $kind }, { $size }) écrite dans { $path }
    Cette copie exportée est à vous de la supprimer quand vous n'en avez plus besoin.
whoami-line = { $name } (uid { $uid }), { $role }, { $through }
whoami-remote = par le service en marche
whoami-local = stockage ouvert directement (aucun service ne tourne)
forget-no-reason = donnez une raison avec --reason ; rien n'a été détruit
forget-title = Détruire le ticket
forget-summary = { $count ->
    [one] { $count } message
   *[other] { $count } messages
}, reçu le { $received }
forget-warning = Ses messages, pièces jointes, notes, réponses et l'adresse de réponse de la personne sont détruits, avec les clés qui pourraient les ouvrir. C'est irréversible.
forget-question = Le détruire pour de bon ?
forget-not-done = rien n'a été détruit
forget-with-yes = pour détruire le ticket
forget-nothing-destroyed = Rien n'a été détruit.
forget-done = Ticket { $id } détruit : plus rien n'en peut être lu (ses enregistrements ont disparu et les clés qui pourraient les ouvrir sont détruites). Le journal d'audit garde que vous l'avez détruit, et pourquoi.
reveal-none = Aucune demande de levée du secret.
reveal-column-request = DEMANDE
reveal-column-asked-by = DEMANDÉE PAR
reveal-column-when = QUAND
reveal-column-approved-by = APPROUVÉE PAR
reveal-column-reason = RAISON
reveal-pending = en attente
reveal-lifted = SECRET LEVÉ
reveal-address-is = Ticket { $id } : l'adresse de réponse de la personne est
reveal-shown-once = Elle n'est montrée qu'une fois, et c'est inscrit au journal d'audit. Ne la conservez nulle part ailleurs.
reveal-requested = Demande de levée du secret { $request } enregistrée pour le ticket { $id }.
    Un·e second·e superviseur·e l'approuve avec : ticket reveal --approve { $request }
classification-types = Types (un par contact : --type CODE)
classification-categories = Catégories (aucune, une ou plusieurs : --category CODE ...)
classification-roles = Le rôle de la personne (au plus un : --role CODE)
classification-column-code = CODE
classification-column-label = LIBELLÉ
classification-retired = (retiré : plus proposé)
classification-required = Clôturer un ticket demande un type : ticket close ID --type CODE [--category CODE]... [--role CODE]
classification-optional = Le type est facultatif à la clôture (classification_required = false).

## Clôturer en ligne de commande : la classification par numéros

pick-intro = Ticket { $id } : classez le contact pour le clôturer (une réponse vide au type annule).
pick-types = Type de contact :
pick-type-prompt = Type (numéro)
pick-categories-title = Catégories (aucune, une ou plusieurs) :
pick-categories-prompt = Catégories (numéros séparés par des espaces ; Entrée pour aucune)
pick-role-title = Le rôle de la personne, tel qu'elle le décrit :
pick-role-prompt = Rôle (numéro ; Entrée pour aucun)
pick-give = { $max ->
    [one] donnez un numéro de 1 à { $n }
   *[other] donnez des numéros de 1 à { $n }
}
pick-cancelled = aucun type choisi ; le ticket n'a pas été clôturé
pick-invalid = aucune réponse valable après { $tries } essais ; le ticket n'a pas été clôturé

## Brouillons : réponses écrites et non envoyées (scellées dans le stockage, visibles de leur auteur·e seulement)

draft-offer = Vous gardez un brouillon de réponse au ticket { $id }, enregistré { $when }. Le reprendre ? (non : repartir de zéro ; la nouvelle réponse remplace le brouillon)
draft-returned = { $name } l'a renvoyé après relecture : { $reason }
draft-none = vous ne gardez aucun brouillon de réponse au ticket { $id } (`ticket drafts` liste les vôtres)
draft-replaced = Votre brouillon de réponse au ticket { $id } est remplacé par cette réponse si elle est gardée ou envoyée (--resume reprend le brouillon à la place).
draft-discarded = Votre brouillon de réponse au ticket { $id } a été supprimé.
draft-nothing-to-discard = Vous ne gardez aucun brouillon de réponse au ticket { $id } ; rien n'a changé.
draft-kept = Rien n'a été envoyé. Gardé comme brouillon : `ticket reply { $id }` vous le propose à nouveau (--resume hors d'un terminal).
draft-kept-resume = Votre réponse est gardée comme brouillon : `ticket reply { $id } --resume` la reprend.
draft-unreachable = Le service est injoignable : la réponse n'a été ni envoyée ni gardée comme brouillon, et ticket n'en écrit rien sur le disque de cet ordinateur.
draft-unreachable-text = Son texte suit : copiez-le avant de fermer ce terminal.
drafts-none = Vous ne gardez aucun brouillon.
column-saved = ENREGISTRÉ
column-first-line = PREMIÈRE LIGNE
editor-draft-resumed = Votre brouillon, enregistré { $when }.
inbox-kept-as-draft = Rien n'a été envoyé. Gardé comme brouillon : `ticket reply { $id }` le reprend.

## Une seconde lecture : des réponses qui attendent un·e superviseur·e

reply-held = La réponse au ticket { $id } attend la relecture d'un·e superviseur·e (`ticket review`) : elle partira quand un·e autre superviseur·e l'aura approuvée.
done-held-for-review = La réponse au ticket { $id } attend la relecture d'un·e superviseur·e : elle partira une fois approuvée.
review-none = Aucune réponse n'attend de relecture.
column-author = AUTEUR·E
review-show-header = Réponse de { $author } au ticket { $id }, remise { $when } :
review-not-sent = Rien n'a été envoyé : la réponse attend toujours sa relecture.
review-returned = La réponse au ticket { $id } est retournée à son auteur·e comme brouillon, avec votre motif.
review-unverified = ticket { $id } : notre serveur de courrier n'a pas pu vérifier qui l'a envoyé, la réponse pourrait donc atteindre quelqu'un qui n'a jamais écrit ; rien n'a été envoyé. Lisez `ticket show { $id }` et ne l'approuvez que si vous en êtes sûr·e : ajoutez --unverified à côté de --yes
