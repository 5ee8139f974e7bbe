# The netsim image: `netsim sweep SWEEP --emit kubernetes` runs it as an Indexed Job (README, "Sweeps on a cluster").
#   docker build -t registry.example/netsim:0.1 . && docker push registry.example/netsim:0.1
# Built with the official .NET 10 SDK image, run on the (smaller) .NET 10 runtime image.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
RUN dotnet publish src/Cli -c Release -o /app --nologo

FROM mcr.microsoft.com/dotnet/runtime:10.0
# Charts are drawn with SkiaSharp, which needs fontconfig (a shard runs with --no-charts; merge draws them).
RUN apt-get update && apt-get install -y --no-install-recommends libfontconfig1 && rm -rf /var/lib/apt/lists/*
COPY --from=build /app /app
# The working directory holds the repository's scenarios and profiles, so the paths the emitted jobs use
# (scenarios/sweeps/...) are the paths in the repository. Add your own sweep files with a derived image.
WORKDIR /netsim
COPY scenarios ./scenarios
COPY profiles ./profiles
ENTRYPOINT ["dotnet", "/app/netsim.dll"]
