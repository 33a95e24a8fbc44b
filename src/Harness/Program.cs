return Harness.Cli.CommandLine.RunConsole(args);
