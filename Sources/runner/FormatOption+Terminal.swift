import RunnerKit

extension FormatOption {
    /// `table` narrowed to the terminal's width when it is printed as a text table
    /// in a terminal (or `COLUMNS` is set): names are shortened or left out, numbers never.
    func fittedToTerminal(_ table: Table) -> Table {
        guard format == .table, let columns = TerminalSize.columns() else { return table }
        return table.fitted(toWidth: columns)
    }
}
