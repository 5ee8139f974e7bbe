using Spectre.Console.Cli;

namespace NetSim.Cli.CommandLine;

/// <summary>
/// The few services netsim's commands take in their constructors (the scenario runner, the invocation), for
/// Spectre.Console.Cli to build commands with: instances and types, resolved by the first constructor.
/// </summary>
internal sealed class TypeRegistrar : ITypeRegistrar, ITypeResolver
{
    private readonly Dictionary<Type, Func<object>> _factories = new();

    public void Register(Type service, Type implementation) => _factories[service] = () => Create(implementation);

    public void RegisterInstance(Type service, object implementation) => _factories[service] = () => implementation;

    public void RegisterLazy(Type service, Func<object> factory) => _factories[service] = factory;

    public ITypeResolver Build() => this;

    public object? Resolve(Type? type)
    {
        if (type is null) return null;
        if (_factories.TryGetValue(type, out var factory)) return factory();
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IEnumerable<>))
        {
            // Spectre asks for every registered implementation of a service (e.g. its help providers).
            var item = type.GetGenericArguments()[0];
            var all = Array.CreateInstance(item, _factories.TryGetValue(item, out var one) ? 1 : 0);
            if (all.Length == 1) all.SetValue(one!(), 0);
            return all;
        }
        return type.IsAbstract || type.IsInterface ? null : Create(type);
    }

    private object Create(Type type)
    {
        var ctor = type.GetConstructors().OrderByDescending(c => c.GetParameters().Length).First();
        var args = ctor.GetParameters().Select(p => Resolve(p.ParameterType)
            ?? throw new InvalidOperationException($"netsim cannot build {type.Name}: nothing registered for {p.ParameterType.Name}")).ToArray();
        return ctor.Invoke(args);
    }
}
