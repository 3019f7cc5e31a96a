# cmake-format (cmakelang 0.6.13) configuration: the style of the existing
# CMake files (2-space indent, 100 columns). Run by pre-commit and make lint.
with section("format"):
    line_width = 100
    tab_size = 2
    dangle_parens = False
    max_pargs_hwrap = 8
    max_subgroups_hwrap = 3
    command_case = "lower"
    keyword_case = "upper"

with section("markup"):
    enable_markup = False
