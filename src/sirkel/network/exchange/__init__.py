"""Exchange of a case's network with network-analysis tools: Network Canvas CSV and GraphML out, CSV in.

Export writes the shape Network Canvas exports, so R (egor, ideanet), Gephi or networkx read it as they
read a Network Canvas interview: an ego table (the child, without name or birth date), an attribute list
of the people and an edge list of the ties. UUIDs are derived from database ids (uuid5), so exporting
the same network twice gives the same identifiers. Contact details (phone, e-mail, address, consent to
contact) are never exported: they exist only for invitations.

Import reads the same CSV zip back into a case and **adds** its people and ties to the case's network:
every person row becomes a new member (ids in the file are only used to resolve the ties, which may
refer to people by networkCanvasUUID or by nodeID); nothing already in the case is changed, matched or
removed; the ego table is checked for consistency but not imported (the case already holds the child).
The file is checked completely before anything is written; then every member is validated by the model
and everything is written in one transaction together with one IMPORT event (counts and the new ids),
so an error anywhere means nothing changes. A rejected file is audited as well.

The modules, by format and step: `schema` (the format's files, columns and limits), `tables` (the network as
three tables), `csv_writer` and `graphml` (the writers), `export` (the audited export); for import,
`reading` (zip and CSV), `validation` (rows and ties), `apply` (one transaction) with `problems` (what is
wrong, in words); `reference` documents the columns for the import page.
"""
