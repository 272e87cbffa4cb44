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
