// Prints the README's column table (row/column_table_text.h), markers included:
//   build/src/row/print_column_table
// Paste its output over the old table in README.md ("## Output schema").
#include <iostream>

#include "row/column_table_text.h"

int main() {
  std::cout << td::row::kColumnTableBegin << "\n" << td::row::column_table_markdown() << td::row::kColumnTableEnd << "\n";
  return 0;
}
