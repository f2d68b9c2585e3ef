"""GraphML writer: the three tables as one undirected graph, the way Network Canvas writes it."""

from __future__ import annotations

from xml.etree import ElementTree as ET  # noqa: S405 - used to write GraphML only, never to parse input

from sirkel.network.exchange.schema import (
    BOOLEAN_COLUMNS,
    DECIMAL_COLUMNS,
    EDGE_TYPE,
    EGO_ATTRIBUTES,
    INTEGER_COLUMNS,
    NODE_TYPE,
    NOT_XML_CHARS,
    PEOPLE_ATTRIBUTES,
    TIE_ATTRIBUTES,
    Tables,
)

GRAPHML_NS = "http://graphml.graphdrawing.org/xmlns"
NC_NS = "http://schema.networkcanvas.com/xmlns"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"


def _xml_text(value: str) -> str:
    # XML 1.0 cannot hold most control characters at all, not even escaped.
    return NOT_XML_CHARS.sub("", value)


def _graphml_type(column: str) -> str:
    if column in BOOLEAN_COLUMNS:
        return "boolean"
    if column in INTEGER_COLUMNS:
        return "int"
    if column in DECIMAL_COLUMNS:
        return "double"
    return "string"


def graphml_bytes(tables: Tables) -> bytes:
    """GraphML as Network Canvas writes it: an undirected graph, ego attributes as graph data."""
    root = ET.Element(
        "graphml",
        {
            # Namespace declarations written as plain attributes: ElementTree then needs no global
            # prefix registry, and every element stays in the GraphML default namespace.
            "xmlns": GRAPHML_NS,
            "xmlns:nc": NC_NS,
            "xmlns:xsi": XSI_NS,
            "xsi:schemaLocation": f"{GRAPHML_NS} http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd",
        },
    )

    def key(key_id: str, name: str, domain: str, attr_type: str = "string") -> None:
        ET.SubElement(root, "key", {"id": key_id, "for": domain, "attr.name": name, "attr.type": attr_type})

    key("label", "label", "node")
    key("networkCanvasType", "networkCanvasType", "all")
    key("networkCanvasUUID", "networkCanvasUUID", "all")
    # Ego keys get a prefix so they can never clash with a node or edge key of the same name.
    for column in EGO_ATTRIBUTES:
        key(f"ego_{column}", column, "graph", _graphml_type(column))
    for column in PEOPLE_ATTRIBUTES:
        key(column, column, "node", _graphml_type(column))
    key("networkCanvasSourceUUID", "networkCanvasSourceUUID", "edge")
    key("networkCanvasTargetUUID", "networkCanvasTargetUUID", "edge")
    for column in TIE_ATTRIBUTES:
        key(column, column, "edge", _graphml_type(column))

    ego = tables.ego
    graph_attributes = {
        "id": f"case-{ego['networkCanvasCaseID']}",
        "edgedefault": "undirected",
        "nc:caseId": ego["networkCanvasCaseID"],
        "nc:sessionUUID": ego["networkCanvasSessionID"],
        "nc:protocolName": ego["networkCanvasProtocolName"],
        "nc:sessionExportTime": ego["sessionExported"],
    }
    if ego["sessionStart"]:
        graph_attributes["nc:sessionStartTime"] = ego["sessionStart"]
    if ego["sessionFinish"]:
        graph_attributes["nc:sessionFinishTime"] = ego["sessionFinish"]
    graph = ET.SubElement(root, "graph", graph_attributes)

    def data(parent: ET.Element, key_id: str, value: str) -> None:
        if value != "":
            ET.SubElement(parent, "data", {"key": key_id}).text = _xml_text(value)

    data(graph, "networkCanvasUUID", ego["networkCanvasEgoUUID"])
    for column in EGO_ATTRIBUTES:
        data(graph, f"ego_{column}", ego[column])
    for person in tables.people:
        node = ET.SubElement(graph, "node", {"id": person["nodeID"]})
        data(node, "networkCanvasUUID", person["networkCanvasUUID"])
        data(node, "networkCanvasType", NODE_TYPE)
        data(node, "label", person["name"])
        for column in PEOPLE_ATTRIBUTES:
            data(node, column, person[column])
    for tie in tables.ties:
        edge = ET.SubElement(
            graph, "edge", {"id": f"e{tie['edgeID']}", "source": tie["from"], "target": tie["to"]}
        )
        data(edge, "networkCanvasUUID", tie["networkCanvasUUID"])
        data(edge, "networkCanvasType", EDGE_TYPE)
        data(edge, "networkCanvasSourceUUID", tie["networkCanvasSourceUUID"])
        data(edge, "networkCanvasTargetUUID", tie["networkCanvasTargetUUID"])
        for column in TIE_ATTRIBUTES:
            data(edge, column, tie[column])
    ET.indent(root)
    document: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return document + b"\n"
