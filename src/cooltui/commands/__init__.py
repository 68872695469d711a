"""The subcommands of `cooltui`, one a module.

Each module has NAME and HELP, add_arguments(parser) for its own options, and run(args) -> exit
code. They import the heavy parts of cooltui inside run(), so the command line starts fast.
"""
