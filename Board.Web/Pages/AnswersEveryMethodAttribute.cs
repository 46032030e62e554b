namespace Board.Web.Pages;

/// <summary>
/// Marks a page that renders for whatever method the request has, OPTIONS included, without handlers: the exception
/// handler and the status code pages re-execute a failed request on such a page with that request's method, which
/// may be any.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = true)]
public sealed class AnswersEveryMethodAttribute : Attribute;
