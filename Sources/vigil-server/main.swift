import DataNode
