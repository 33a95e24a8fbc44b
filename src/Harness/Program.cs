return Harness.Cli.CommandLine.Run(args, Console.Out, Console.Error);
