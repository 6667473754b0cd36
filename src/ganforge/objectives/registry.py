from ..registry import Registry

OBJECTIVES = Registry("objective", reserved=("cfg", "data_info"))
