ROWS: list[object] = []
