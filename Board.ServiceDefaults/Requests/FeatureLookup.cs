using Microsoft.AspNetCore.Http.Features;

namespace Board.ServiceDefaults.Requests;

/// <summary>
/// Request features read and set through the collection's indexer. <c>IFeatureCollection.Get&lt;T&gt;()</c> is a generic
/// method of an interface, resolved at run time on every call (generic virtual dispatch, which a profile of the
/// middleware under load put among its largest costs); the indexer is a plain interface call to the same feature.
/// </summary>
internal static class FeatureLookup
{
    public static T? Find<T>(this IFeatureCollection features) where T : class => features[typeof(T)] as T;
}
